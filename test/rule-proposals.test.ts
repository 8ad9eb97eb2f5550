import { InMemoryStore } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../src/audit/log.js";
import { readCanvas } from "../src/canvas/canvas.js";
import type { Reading } from "../src/core/reading.js";
import { proposeOffline } from "../src/llm/offline/proposer.js";
import type { RuleRequest } from "../src/stages/drafter.js";
import { selectDrafter } from "../src/llm/select.js";
import { checkCandidate, eventRuleWords } from "../src/memory/proposals.js";
import { PROPOSED, Proposal } from "../src/memory/proposal.js";
import { proposeRuleAfter } from "../src/runtime/ruleProposal.js";
import { DEFAULT_THREAD_TYPES } from "../src/core/threadTypes.js";
import { startFakeAnthropic, type FakeAnthropic } from "./fakeAnthropic.js";
import { sampleWorkspace, tempDir } from "./helpers.js";
import { join } from "node:path";

// A rule proposed after a correction (issue 27): the smallest change that explains it, on the
// company's own words, checked by leanos whoever proposed it, and kept only as a proposal that waits
// for a person. (Accepting and rejecting from the CLI: test/memory.test.ts.)

const canvas = await readCanvas(join(sampleWorkspace, "strategy", "canvas"));
const LOST =
  "Lost deal: Nordstil signed with Vestio after a two-week trial. Their buyer said Vestio was cheaper per session.";
const read: Reading = {
  type: "sales",
  assumptions: [{ id: "A8", direction: "validates" }],
  verdict: "PROCEED",
  facts: [],
};

const request = (others: RuleRequest["others"], fields: RuleRequest["fields"] = { verdict: "DEFER" }): RuleRequest => ({
  event: LOST,
  read,
  fields,
  words: [...eventRuleWords(LOST, canvas)],
  others,
  threadTypes: DEFAULT_THREAD_TYPES,
});
const earlier = (event: string, verdict: string): RuleRequest["others"][number] => ({
  event,
  final: { type: "sales", assumptions: [], verdict, facts: [] },
});

describe("the offline proposer", () => {
  const twoLike = [
    earlier("Kestrel went with Vestio; we lost the deal.", "DEFER"),
    earlier("Modalia picked Vestio after the pilot.", "DEFER"),
  ];

  it("proposes the company's word that two earlier events read the same way also hold", () => {
    expect(request([]).words).toEqual(expect.arrayContaining(["nordstil", "vestio"]));
    expect(proposeOffline(request(twoLike))).toEqual({ when: ["vestio"], then: { verdict: "DEFER" } });
  });

  it("proposes nothing from one correction alone, or one earlier event, or when every word is held by an event read otherwise", () => {
    expect(proposeOffline(request([]))).toBeUndefined();
    expect(proposeOffline(request(twoLike.slice(0, 1)))).toBeUndefined();
    expect(
      proposeOffline(
        request([...twoLike, earlier("Kestrel went with Vestio and Nordstil stayed with us.", "PROCEED")]),
      ),
    ).toBeUndefined();
  });

  it("carries one value: the type before an assumption, an assumption before the verdict", () => {
    const like = {
      type: "business",
      assumptions: [{ id: "A11", direction: "challenges" }],
      verdict: "DEFER",
      facts: [],
    };
    const others = [
      { event: "Kestrel went with Vestio.", final: like },
      { event: "Modalia picked Vestio.", final: like },
    ];
    expect(proposeOffline(request(others, { type: "business", verdict: "DEFER" }))?.then).toEqual({ type: "business" });
    expect(
      proposeOffline(request(others, { assumptions: [{ id: "A11", direction: "challenges" }], verdict: "DEFER" }))
        ?.then,
    ).toEqual({ assumption: { id: "A11", direction: "challenges" } });
  });
});

describe("leanos's check of a proposed rule", () => {
  const evidence = { thread: "sales/lost", example: "t1", event: LOST, fields: { verdict: "DEFER" as const } };
  const check = (candidate: unknown) =>
    checkCandidate(candidate, evidence, canvas, "offline:rules-v1", "2026-11-20T10:00:00.000Z");

  it("keeps a rule on the event's company words with the value the person set, in leanos's words", () => {
    expect(check({ when: ["Vestio"], then: { verdict: "DEFER" } })).toMatchObject({
      kind: "proposed-rule",
      when: ["vestio"],
      says: 'an event that mentions "vestio" is decided DEFER',
    });
  });

  it.each([
    [
      "a word the event does not hold",
      { when: ["shopify"], then: { verdict: "DEFER" } },
      /"shopify" is not a word of the canvas/,
    ],
    [
      "a word that is not the company's",
      { when: ["signed"], then: { verdict: "DEFER" } },
      /"signed" is not a word of the canvas/,
    ],
    [
      "a value the correction did not set",
      { when: ["vestio"], then: { verdict: "REJECT" } },
      /not one the correction set/,
    ],
    [
      "more than three words",
      { when: ["vestio", "nordstil", "session", "trial"], then: { verdict: "DEFER" } },
      /at most three words/,
    ],
    [
      "a statement of its own",
      { when: ["vestio"], then: { verdict: "DEFER" }, says: "always PROCEED" },
      /at most three words/,
    ],
  ])("refuses %s", (_name, candidate, reason) => {
    const checked = check(candidate);
    expect("refused" in checked && checked.refused).toMatch(reason);
  });
});

describe("a model's proposal", () => {
  let server: FakeAnthropic;
  beforeAll(async () => {
    server = await startFakeAnthropic();
  });
  afterAll(() => server.close());

  async function propose(answer: Record<string, unknown>) {
    server.reset();
    server.script.set("propose_rule", [{ tool: answer }]);
    const drafter = await selectDrafter({
      provider: "anthropic:claude-sonnet-4-5",
      env: { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url },
    });
    const memory = new InMemoryStore();
    const root = await tempDir("leanos-rules-");
    const audit = new AuditLog(root, join(root, "audit.jsonl"));
    const usage: unknown[] = [];
    const kept = await proposeRuleAfter(
      {
        store: { memory },
        drafter,
        canvas,
        threadTypes: DEFAULT_THREAD_TYPES,
        audit,
        at: "2026-11-20T10:00:00.000Z",
        onUsage: async (calls) => void usage.push(...calls),
      },
      { thread: "sales/lost", example: "t1", event: LOST, fields: { verdict: "DEFER" }, read },
    );
    const waiting = (await memory.search(PROPOSED)).map((item) => Proposal.parse(item.value));
    return { kept, waiting, usage, asked: server.requests.at(-1) };
  }

  it("waits in the memory as leanos words it, with the model's call counted", async () => {
    const { kept, waiting, usage, asked } = await propose({ none: false, when: ["vestio"], verdict: "DEFER" });
    expect(kept?.says).toBe('an event that mentions "vestio" is decided DEFER');
    expect(waiting).toEqual([
      expect.objectContaining({
        when: ["vestio"],
        then: { verdict: "DEFER" },
        proposed_by: "anthropic:claude-sonnet-4-5",
        evidence: { thread: "sales/lost", example: "t1" },
      }),
    ]);
    expect(usage).toHaveLength(1);
    expect(JSON.stringify(asked)).toContain("nordstil, vestio");
  });

  it("is dropped when it names a word the event's company words do not hold, or no single value", async () => {
    expect((await propose({ none: false, when: ["ignore"], verdict: "DEFER" })).waiting).toEqual([]);
    expect((await propose({ none: false, when: ["vestio"], verdict: "DEFER", type: "business" })).waiting).toEqual([]);
    expect((await propose({ none: true, when: [] })).waiting).toEqual([]);
  });
});

import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Client } from "@langchain/langgraph-sdk";
import matter from "gray-matter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvent } from "../../src/stages/readEvent.js";
import type { GatePayload } from "../../src/gates/wire.js";
import { runCli, sampleCopy, tempDir } from "../helpers.js";
import { serve } from "./harness.js";

// The built graph served by LangGraph's own API server, in this process, driven by the SDK client
// with exactly what Agent Inbox sends: an array of one HumanResponse, no `by` or `at`, accept with
// the ActionRequest as args, edit with every value as text, ignore with null args.

const GRAPH = "leanos";
const DEAL = "sales/elsaai-deal-closed";
const DAY = "2026-11-27";

let client: Client;
let apiUrl: string;
let stop: () => Promise<void>;
let workspace: string;
/** What the CLI sends as LANGGRAPH_API_KEY: a token made for bella. */
let bella: string;
/** The CLI keeps what it showed through --server in HOME/.leanos: a folder of the tests' own. */
let home: string;

// A large deal that tests a belief no other test settles, so its decision waits for a person
// whatever the tests before it did to the canvas.
const GATED_EVENT = "90-marketplace-deal-signed.md";
const GATED_TEXT = `---
date: 2026-11-20
source: signed contract
---
Marketplace deal signed with Halvard Group: $2.4M ARR, 3-year contract on per-session pricing.

- They chose per-session pricing over a flat license, so their cost tracks usage.
- Exclusive integration in their app for the contract's term.
`;

beforeAll(async () => {
  workspace = await sampleCopy();
  await writeFile(join(workspace, "events", GATED_EVENT), GATED_TEXT);
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", workspace, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { stdio: "ignore" });
  git("init", "--quiet");
  git("add", "-A");
  git("commit", "--quiet", "-m", "start");
  const served = await serve(workspace);
  stop = served.stop;
  apiUrl = served.apiUrl;
  // The inbox answers as the person its token names.
  client = await served.client("inbox-user");
  bella = await served.token("bella");
  home = await tempDir("leanos-home-");
}, 60_000);

afterAll(async () => {
  await stop?.();
});

type RunValues = {
  __interrupt__?: Array<{ id: string; value: GatePayload }>;
  thread?: string;
  outputs?: Record<string, unknown>;
};

/** Runs the graph on a thread as a client would, at a fixed time of day, and returns what the run left. */
async function run(
  threadId: string,
  body: { input?: unknown; command?: { resume: unknown } },
  day = DAY,
): Promise<RunValues> {
  return (await client.runs.wait(threadId, GRAPH, {
    ...body,
    config: { configurable: { leanos_now: `${day}T09:00:00Z` } },
  } as never)) as RunValues;
}

async function newThread(eventFile: string): Promise<{ id: string; values: RunValues }> {
  const id = randomUUID();
  await client.threads.create({ threadId: id, metadata: { source: eventFile } });
  const event = await readEvent({ file: join(workspace, "events", eventFile), today: DAY });
  return { id, values: await run(id, { input: { event } }) };
}

const asked = (values: RunValues): GatePayload => {
  expect(values.__interrupt__, "the run should end at a gate").toHaveLength(1);
  return values.__interrupt__![0]!.value;
};
const asText = (values: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
const frontMatter = async (thread: string, file: string) =>
  matter(await readFile(join(workspace, "threads", ...thread.split("/"), file), "utf8"), {}).data;

describe("the graph on LangGraph's server, answered as Agent Inbox answers", () => {
  it("drives the closed-deal event to done and leaves the files leanos event leaves", async () => {
    const { id, values: started } = await newThread("01-elsaai-deal-closed.md");
    const decision = asked(started);
    expect(decision.leanos).toMatchObject({ thread: DEAL, kind: "impact", stage: "decision" });
    expect(decision.config).toMatchObject({
      allow_accept: true,
      allow_edit: true,
      allow_respond: true,
      allow_ignore: true,
    });
    // The thread is claimed by the graph itself: its folder and meta.json record the server's thread id.
    const meta = JSON.parse(await readFile(join(workspace, "threads", DEAL, "meta.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(meta).toMatchObject({
      thread: DEAL,
      id,
      state: "waiting",
      pending: [expect.objectContaining({ kind: "impact", id: started.__interrupt__![0]!.id })],
    });

    const redrafted = asked(
      await run(id, {
        command: { resume: [{ type: "response", args: "Name the customer only after their go-live." }] },
      }),
    );
    expect(redrafted.leanos.stage).toBe("decision");
    expect((await frontMatter(DEAL, "4-decision.md")).review).toMatchObject({ answer: "respond", by: "inbox-user" });

    const publishing = await run(id, {
      command: {
        resume: [
          { type: "accept", args: { action: redrafted.action_request.action, args: redrafted.action_request.args } },
        ],
      },
    });
    const publish = asked(publishing);
    expect(publish.leanos).toMatchObject({ kind: "actions", action_id: "act-3" });
    expect(Object.keys(publish.action_request.args)).toEqual(["title", "due", "note"]);

    // Publishing sends to customers: an answer that does not name the question (as Agent Inbox
    // answers) is refused, and the question is put again under a new id.
    const edit = {
      type: "edit",
      args: {
        action: publish.action_request.action,
        args: { ...asText(publish.action_request.args), note: "Publish on Tuesday morning." },
      },
    };
    const unnamed = await run(id, { command: { resume: [edit] } });
    expect(asked(unnamed).leanos).toMatchObject({
      action_id: "act-3",
      refused: expect.stringContaining("sends to customers"),
    });
    expect(unnamed.__interrupt__![0]!.id).not.toBe(publishing.__interrupt__![0]!.id);
    // Named with the id of the question before the refusal, it is refused too: that one was answered.
    const stale = await run(id, { command: { resume: [{ ...edit, interrupt_id: publishing.__interrupt__![0]!.id }] } });
    expect(asked(stale).leanos.refused).toContain("answered meanwhile");

    const promoting = await run(id, { command: { resume: [{ ...edit, interrupt_id: stale.__interrupt__![0]!.id }] } });
    const promote = asked(promoting);
    expect(promote.leanos).toMatchObject({ action_id: "act-4" });

    // Accepting the promotion schedules the day-7 and day-30 measures: the run ends with no
    // interrupt, so an inbox shows nothing, and the thread sleeps until the due date.
    const scheduled = await run(id, {
      command: { resume: [{ type: "accept", args: null, interrupt_id: promoting.__interrupt__![0]!.id }] },
    });
    expect(scheduled.__interrupt__ ?? []).toEqual([]);
    expect((await client.threads.get(id)).status).toBe("idle");
    expect(JSON.parse(await readFile(join(workspace, "threads", DEAL, "meta.json"), "utf8"))).toMatchObject({
      state: "scheduled",
      next_due: "2026-12-04",
    });

    // Any input wakes it on or after that day.
    expect((await run(id, { input: {} }, "2026-12-04")).__interrupt__ ?? []).toEqual([]);
    const canvas = asked(await run(id, { input: {} }, "2026-12-27"));
    expect(canvas.leanos.kind).toBe("canvas");
    expect(canvas.action_request.args).toHaveProperty("A4.confidence");

    // A confidence the canvas cannot hold is refused, and the canvas is left as it was.
    const assumptions = await readFile(join(workspace, "strategy", "canvas", "10-assumptions.md"), "utf8");
    const refused = asked(
      await run(id, {
        command: {
          resume: [
            {
              type: "edit",
              args: {
                action: canvas.action_request.action,
                args: { ...asText(canvas.action_request.args), "A4.confidence": "140" },
              },
            },
          ],
        },
      }),
    );
    expect(refused.leanos).toMatchObject({ kind: "canvas", refused: expect.stringContaining("A4.confidence") });
    expect(await readFile(join(workspace, "strategy", "canvas", "10-assumptions.md"), "utf8")).toBe(assumptions);

    const done = await run(id, {
      command: {
        resume: [
          {
            type: "edit",
            args: {
              action: canvas.action_request.action,
              args: { ...asText(canvas.action_request.args), "A4.confidence": "85" },
            },
          },
        ],
      },
    });
    expect(done.__interrupt__ ?? []).toEqual([]);

    const dir = join(workspace, "threads", "sales", "elsaai-deal-closed");
    for (const file of [
      "1-input.md",
      "2-hypothesis.md",
      "3-implication.md",
      "4-decision.md",
      "5-actions/execution-log.md",
      "5-actions/marketing-publish.md",
      "6-learning.md",
    ]) {
      expect(await readFile(join(dir, file), "utf8"), file).toContain("drafted_by: offline");
    }
    expect(await frontMatter(DEAL, "5-actions/marketing-publish.md")).toMatchObject({
      status: "completed",
      review: { answer: "edit", by: "inbox-user" },
    });
    expect(await readFile(join(dir, "5-actions", "execution-log.md"), "utf8")).toContain(
      "act-3: approved by inbox-user; cleared to run",
    );
    expect(JSON.parse(await readFile(join(dir, "meta.json"), "utf8"))).toMatchObject({
      thread: DEAL,
      id,
      state: "done",
      stage: "learning",
      pending: [],
      current_action: null,
    });
    expect(await readFile(join(workspace, "strategy", "canvas", "10-assumptions.md"), "utf8")).toMatch(/A4[\s\S]*85%/);
    expect(execFileSync("git", ["-C", workspace, "log", "-1", "--format=%s"], { encoding: "utf8" })).toContain(
      `threads/${DEAL}`,
    );

    // The CLI reads the thread the server ran, by its name or by the server's id.
    const status = await runCli(["--workspace", workspace, "--json", "status", id]);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ thread: DEAL, state: "done" });
    const audit = (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      audit.filter((entry) => entry.kind === "gate-answered" && entry.by === "inbox-user").map((entry) => entry.gate),
    ).toEqual(["impact", "impact", "actions", "actions", "canvas"]);
  }, 120_000);

  it("takes ignore with null args as a rejection with no reason given", async () => {
    const { id, values } = await newThread("02-lost-deal-nordstil.md");
    const action = asked(values);
    expect(action.leanos.kind).toBe("actions");
    await run(id, { command: { resume: [{ type: "ignore", args: null }] } });
    const thread = action.leanos.thread;
    expect(
      await readFile(join(workspace, "threads", ...thread.split("/"), "5-actions", "execution-log.md"), "utf8"),
    ).toContain(`${action.leanos.action_id}: rejected by inbox-user: no reason given`);
  }, 60_000);
});

describe("a wrong answer through the SDK", () => {
  it("changes nothing: the thread still waits, with the refusal in a new question", async () => {
    const { id, values } = await newThread(GATED_EVENT);
    const first = values.__interrupt__![0]!;
    const before = await client.threads.getState(id);

    const refused = asked(
      await run(id, {
        command: {
          resume: [{ type: "edit", args: { action: first.value.action_request.action, args: { verdict: "MAYBE" } } }],
        },
      }),
    );
    expect(refused.leanos.refused).toContain("verdict");
    expect(refused.description).toContain("Your last answer was refused");
    const after = await client.threads.getState(id);
    expect((after.values as RunValues).outputs).toEqual((before.values as RunValues).outputs);
    expect((await client.threads.get(id)).status).toBe("interrupted");

    // An answer meant for the question that no longer waits is not taken.
    const stale = await run(id, { command: { resume: { [first.id]: [{ type: "accept", args: null }] } } });
    expect(asked(stale).leanos.node).toBe("gate_decision");
    expect((await client.threads.getState(id)).values).toEqual(after.values);
  }, 60_000);

  it("refuses an answer type the gate does not allow, and an action reported with no outcome", async () => {
    const { id, values } = await newThread("03-inbound-lead-atelier-rouge.md");
    expect(asked(values).leanos).toMatchObject({ action_id: "act-2", outcomes: ["qualified", "disqualified"] });
    expect(
      asked(await run(id, { command: { resume: [{ type: "response", args: "call again" }] } })).leanos.refused,
    ).toContain('"respond" is not allowed');
    expect(asked(await run(id, { command: { resume: [{ type: "accept", args: null }] } })).leanos.refused).toContain(
      "report what happened",
    );
    expect(
      asked(
        await run(id, {
          command: { resume: [{ type: "edit", args: { action: "approve_actions", args: { outcome: "qualified" } } }] },
        }),
      ).leanos.action_id,
    ).toBe("act-3");
  }, 60_000);
});

describe("the CLI through --server", () => {
  const cli = (args: string[]) =>
    runCli(["--server", apiUrl, "--json", ...args], {
      env: { HOME: home, LEANOS_USER: "bella", LANGGRAPH_API_KEY: bella },
    });

  it("starts an event, lists what waits, refuses a wrong answer naming the field, and answers", async () => {
    const started = await cli(["event", "--file", join(workspace, "events", GATED_EVENT)]);
    expect(started.exitCode, started.stderr).toBe(0);
    const result = JSON.parse(started.stdout) as {
      thread: string;
      state: string;
      pending: Array<{ id: string; kind: string; thread: string; fields?: string[] }>;
    };
    expect(result.state).toBe("waiting");
    const item = result.pending[0]!;

    const pending = JSON.parse((await cli(["pending"])).stdout) as Array<{ id: string; thread: string }>;
    expect(pending).toContainEqual(expect.objectContaining({ id: item.id, thread: result.thread }));

    const { id } = JSON.parse((await cli(["status", result.thread])).stdout) as { id: string };
    // The readable name is in the thread's metadata too, where LangGraph's own tools show it.
    expect((await client.threads.get(id)).metadata).toMatchObject({ leanos_thread: result.thread });
    const before = await client.threads.getState(id);
    const wrong = await cli([
      "approve",
      result.thread,
      "--edit",
      JSON.stringify({ [item.fields![0]!]: { not: "this" } }),
    ]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain(item.fields![0]!);
    const after = await client.threads.getState(id);
    expect((after.values as RunValues).outputs).toEqual((before.values as RunValues).outputs);

    // An answer meant for a question that no longer waits is refused, and changes nothing.
    const stale = await cli(["approve", result.thread, "--interrupt", item.id]);
    expect(stale.exitCode).toBe(2);
    expect(stale.stderr).toContain("answered elsewhere");

    const approved = await cli(["approve", result.thread]);
    expect(approved.exitCode, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ thread: result.thread });
    const status = await cli(["status", result.thread]);
    expect(JSON.parse(status.stdout)).toMatchObject({ thread: result.thread, id });
  }, 60_000);

  it("walks through what waits in a chat session, and answers through the server", async () => {
    const first = JSON.parse((await cli(["pending"])).stdout) as Array<{ thread: string; id: string }>;
    expect(first.length).toBeGreaterThan(0);
    const session = await runCli(["--server", apiUrl, "--json", "chat"], {
      input: "reject not this quarter\nquit\n",
      env: { HOME: home, LEANOS_USER: "bella", LANGGRAPH_API_KEY: bella },
    });
    expect(session.exitCode, session.stderr).toBe(0);
    const records = session.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ thread: first[0]!.thread, answer: "reject", by: "bella" });
    const after = JSON.parse((await cli(["pending"])).stdout) as Array<{ id: string }>;
    expect(after.map((item) => item.id)).not.toContain(first[0]!.id);
  }, 60_000);

  it("says so when the server cannot be reached, and refuses commands that work on the workspace itself", async () => {
    const unreachable = await runCli(["--server", "http://127.0.0.1:9", "pending"]);
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr).toContain("cannot reach the LangGraph server at http://127.0.0.1:9");
    const pass = await runCli(["--server", apiUrl, "pass"]);
    expect(pass.exitCode).toBe(2);
    expect(pass.stderr).toContain("leanos pass works on the workspace itself");
  }, 30_000);
});

describe("corrections through the server", () => {
  type Values = RunValues & { type?: string; refusals?: Record<string, string | null> };
  const metaOf = async (thread: string) =>
    JSON.parse(await readFile(join(workspace, "threads", ...thread.split("/"), "meta.json"), "utf8")) as {
      thread: string;
      corrections: Array<Record<string, unknown>>;
    };

  it("takes a run whose input is a correction: a new type moves the thread and asks again, recorded as the token's user's", async () => {
    const { id, values } = await newThread(GATED_EVENT);
    const from = asked(values).leanos.thread;
    expect(asked(values).leanos.node).toBe("gate_decision");
    const corrected = (await run(id, {
      input: { correction: { fields: { type: "business" }, by: "forged", reason: "a marketplace partnership" } },
    })) as Values;
    const moved = `business/${from.split("/")[1]}`;
    expect(asked(corrected).leanos).toMatchObject({ node: "gate_decision", thread: moved });
    const state = (await client.threads.getState(id)).values as Values;
    expect(state).toMatchObject({ thread: moved, type: "business" });
    const meta = await metaOf(moved);
    expect(meta.thread).toBe(moved);
    expect(meta.corrections).toEqual([
      expect.objectContaining({
        by: "inbox-user",
        read_as: "sales",
        fields: { type: "business" },
        reason: "a marketplace partnership",
        redrafts_from: "input",
      }),
    ]);

    // One it cannot take is said in the run's state, and the thread waits where it was.
    const refused = (await run(id, {
      input: { correction: { fields: { assumptions: [{ id: "A99", direction: "challenges" }] } } },
    })) as Values;
    expect(asked(refused).leanos.node).toBe("gate_decision");
    expect(((await client.threads.getState(id)).values as Values).refusals?.["correct_thread"]).toContain(
      "A99 is not in strategy/canvas/10-assumptions.md",
    );
    expect((await metaOf(moved)).corrections).toHaveLength(1);
  }, 60_000);

  it("takes an Agent Inbox edit of the reading at the decision gate as a correction: the stages after it are drafted again", async () => {
    const { id, values } = await newThread(GATED_EVENT);
    const payload = asked(values);
    // Agent Inbox sends every field back, as text; only the assumptions changed.
    const args = Object.fromEntries(
      Object.entries(payload.action_request.args).map(([key, value]) => [
        key,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
    );
    const edited = { ...args, assumptions: JSON.stringify([{ id: "A2", direction: "challenges" }]) };
    const after = (await run(id, {
      command: { resume: [{ type: "edit", args: { action: payload.action_request.action, args: edited } }] },
    })) as Values;
    const again = asked(after);
    expect(again.leanos.node).toBe("gate_decision");
    expect(again.action_request.args.assumptions).toEqual([{ id: "A2", direction: "challenges" }]);
    const thread = again.leanos.thread;
    const hypothesis = matter(
      await readFile(join(workspace, "threads", ...thread.split("/"), "2-hypothesis.md"), "utf8"),
    ).data as { output: { tests: Array<{ assumption_id: string; direction: string }> } };
    expect(hypothesis.output.tests.map((test) => `${test.assumption_id} ${test.direction}`)).toEqual(["A2 challenges"]);
    expect((await metaOf(thread)).corrections).toEqual([
      expect.objectContaining({
        by: "inbox-user",
        via: "gate",
        fields: { assumptions: [{ id: "A2", direction: "challenges" }] },
      }),
    ]);
  }, 60_000);

  it("corrects from the CLI through --server, and refuses there what the graph refuses", async () => {
    const cli = (args: string[]) =>
      runCli(["--server", apiUrl, "--json", ...args], {
        env: { HOME: home, LEANOS_USER: "bella", LANGGRAPH_API_KEY: bella },
      });
    const { values } = await newThread(GATED_EVENT);
    const thread = asked(values).leanos.thread;
    const wrong = await cli(["correct", thread, "--edit", '{"verdict":"MAYBE"}']);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain("verdict");
    const done = await cli(["correct", thread, "--edit", '{"verdict":"DEFER"}', "--reason", "after the board meeting"]);
    expect(done.exitCode, done.stderr).toBe(0);
    expect((await metaOf(thread)).corrections).toEqual([
      expect.objectContaining({ by: "bella", fields: { verdict: "DEFER" }, redrafts_from: "decision" }),
    ]);
  }, 60_000);
});

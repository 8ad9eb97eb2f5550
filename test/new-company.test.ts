import { cp, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readEvent } from "../src/stages/readEvent.js";
import { Runtime } from "../src/runtime/engine.js";
import { initWorkspace } from "../src/ops/init.js";
import { repoRoot, runCli, tempDir } from "./helpers.js";

// A founder's new workspace, as the autonomy issue walked it: `leanos init`, the canvas filled in
// (Fernhill Tea, a bootstrapped tea importer in EUR, written for this test), no ICP yet, and five
// events of its own: a closed deal (its notes name no amount), a lost deal with its reason, a churn
// spike, a newsletter's result and a supplier's price rise. Under the default autonomy nothing acts
// before a person has answered, and every waiting item says why it waits.

const FIXTURE = join(repoRoot, "test", "fixtures", "fernhill");
const NOW = "2026-12-02T09:00:00Z";

async function newCompany(): Promise<string> {
  const root = join(await tempDir("leanos-fernhill-"), "fernhill");
  await initWorkspace(root, { company: "Fernhill Tea", mode: "BOOTSTRAP", git: false });
  // The founder's canvas, written in leanos's earlier file names, replaces the skeleton init laid out.
  await rm(join(root, "strategy", "canvas"), { recursive: true });
  await cp(join(FIXTURE, "strategy"), join(root, "strategy"), { recursive: true });
  await cp(join(FIXTURE, "events"), join(root, "events"), { recursive: true });
  return root;
}

const WHY =
  /trust not yet earned for (sales|marketing|business) decisions|a low-confidence reading \(\w+ [\d.]+ < 0\.5\): .+|waits for you: (no ICP to score the lead against|the investigation found nothing to report)/;

describe("a new company's first five events under the default autonomy", () => {
  it("acts on nothing before a person answers, and says why each item waits", async () => {
    const root = await newCompany();
    const runtime = await Runtime.open({ workspace: root, provider: "offline", now: () => new Date(NOW) });
    try {
      const files = (await readdir(join(root, "events"))).sort();
      const started = [];
      for (const file of files)
        started.push(
          await runtime.startEvent(await readEvent({ file: join(root, "events", file), today: "2026-12-02" })),
        );

      // Every decision waits, each saying why; none was taken by policy.
      for (const result of started) {
        expect(result.state, result.thread).toBe("waiting");
        expect(
          result.pending.map((item) => item.stage),
          result.thread,
        ).toEqual(["decision"]);
        expect(result.pending[0]!.question, result.thread).toMatch(WHY);
      }
      const audit = await runtime.audit.read();
      expect(
        audit.filter((entry) => entry.kind === "gate-answered" && entry.by === "policy" && entry.stage === "decision"),
      ).toEqual([]);
      // The deal's notes name no amount: the reading says it guessed, and why.
      const deal = started.find((result) => result.thread.startsWith("sales/signed-cafe-lumen"))!;
      expect(deal.pending[0]!.question).toContain(
        "a low-confidence reading (input 0.45 < 0.5): no amount read from the event, though it reports a deal won",
      );
      // The gate shows the reading, each part of it editable.
      const payload = (await runtime.pendingPayload(deal.thread))!;
      expect(payload.description).toContain("What the drafter read");
      expect(Object.keys(payload.action_request.args)).toEqual(
        expect.arrayContaining(["type", "assumptions", "facts", "verdict"]),
      );

      // The founder approves each decision; what the actions then lack is asked for, not closed.
      const after = [];
      for (const result of started)
        after.push(await runtime.answer(result.thread, { type: "accept", args: null, by: "founder" }));
      const questions = after.flatMap((result) => result.pending.map((item) => item.question));
      expect(
        questions.some((question) =>
          /no ICP to score the lead against: research\/customer\/icp\/ is empty/.test(question),
        ),
      ).toBe(true);
      expect(questions.some((question) => /the investigation found nothing to report/.test(question))).toBe(true);
      const closedWithout = (await runtime.audit.read()).filter(
        (entry) => entry.kind === "gate-answered" && /disqualified|inconclusive/.test(entry.summary),
      );
      expect(closedWithout).toEqual([]);
    } finally {
      await runtime.close();
    }
  }, 120_000);

  it("leanos correct on the churn spike read as good news redrafts it to another verdict", async () => {
    const root = await newCompany();
    const cli = (...args: string[]) =>
      runCli(["--workspace", root, "--now", NOW, "--json", "--quiet", ...args], { env: { LEANOS_USER: "founder" } });
    const started = JSON.parse((await cli("event", "--file", "events/03-cancellations-november.md")).stdout) as {
      thread: string;
    };
    const decisionOf = async (thread: string) =>
      (await readFile(join(root, "threads", ...thread.split("/"), "4-decision.md"), "utf8")).match(
        /verdict: (\w+)/,
      )![1];
    expect(await decisionOf(started.thread)).toBe("PROCEED");

    const corrected = await cli(
      "correct",
      started.thread,
      "--edit",
      '{"assumptions":[{"id":"A3","direction":"challenges"}]}',
      "--reason",
      "6.4% cancellations against 2 to 3 a month",
    );
    expect(corrected.exitCode, corrected.stderr).toBe(0);
    const result = JSON.parse(corrected.stdout) as {
      thread: string;
      after_acting: boolean;
      pending: Array<{ question: string }>;
    };
    expect(result.after_acting).toBe(false);
    expect(await decisionOf(result.thread)).toBe("INVESTIGATE");
    expect(result.pending[0]!.question).toContain("10 more agreement(s) in a row since its last correction");
    const meta = JSON.parse(await readFile(join(root, "threads", ...result.thread.split("/"), "meta.json"), "utf8"));
    expect(meta.corrections).toEqual([
      expect.objectContaining({
        by: "founder",
        read_as: "business",
        fields: { assumptions: [{ id: "A3", direction: "challenges" }] },
        reason: "6.4% cancellations against 2 to 3 a month",
        after_acting: false,
        redrafts_from: "hypothesis",
      }),
    ]);
  }, 60_000);
});

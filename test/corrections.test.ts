import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepared, runCli, sampleCopy } from "./helpers.js";
import { PROPOSED } from "../src/memory/proposal.js";
import { ruleStatement } from "../src/memory/rules.js";
import { Runtime } from "../src/runtime/engine.js";
import { fingerprint, formOf, rawGet, serving } from "./web/serving.js";

// Corrections and trust where people give and read them: the decision gate's reading edited from
// the CLI, `correct` typed in chat, the thread page's form and the inbox's trust panel, and
// `leanos trust` itself. (The graph's side is in autonomy.test.ts, new-company.test.ts and
// test/server/api.test.ts; refusals in test/hostile/cases/corrections.ts.)

const DEAL = "sales/elsaai-deal-closed";

const cliOn =
  (workspace: string) =>
  (...args: string[]) =>
    runCli(["--workspace", workspace, "--now", "2026-11-18T09:00:00Z", "--json", "--quiet", ...args], {
      env: { LEANOS_USER: "bella" },
    });

/** The closed deal waiting at its decision (made once; each test has a copy). */
const waiting = prepared(async () => {
  const workspace = await sampleCopy({ autonomy: "earned" });
  const started = await cliOn(workspace)("event", "--file", "events/01-elsaai-deal-closed.md");
  expect(started.exitCode, started.stderr).toBe(0);
  return workspace;
});

async function waitingDeal(): Promise<{ workspace: string; cli: (...args: string[]) => ReturnType<typeof runCli> }> {
  const workspace = await waiting();
  return { workspace, cli: cliOn(workspace) };
}

const metaOf = async (workspace: string, thread: string) =>
  JSON.parse(await readFile(join(workspace, "threads", ...thread.split("/"), "meta.json"), "utf8")) as {
    corrections: Array<Record<string, unknown>>;
    pending: Array<{ node: string; question: string }>;
  };

describe("the reading at the decision gate, from the CLI", () => {
  it("takes an edit of the type as a correction: the thread moves to its type's folder and the decision asks again", async () => {
    const { workspace, cli } = await waitingDeal();
    const edited = await cli("approve", DEAL, "--yes", "--edit", '{"type":"business"}');
    expect(edited.exitCode, edited.stderr).toBe(0);
    const result = JSON.parse(edited.stdout) as {
      thread: string;
      state: string;
      pending: Array<{ node: string; question: string }>;
    };
    expect(result).toMatchObject({ thread: "business/elsaai-deal-closed", state: "waiting" });
    expect(result.pending[0]).toMatchObject({ node: "gate_decision" });
    expect(existsSync(join(workspace, "threads", "sales", "elsaai-deal-closed"))).toBe(false);
    expect((await metaOf(workspace, result.thread)).corrections).toEqual([
      expect.objectContaining({ by: "bella", via: "gate", read_as: "sales", fields: { type: "business" } }),
    ]);
    // The correction counts against the type the drafter read.
    const trust = JSON.parse((await cli("trust")).stdout) as {
      types: Array<{ type: string; answered: number; since_correction: number | null }>;
    };
    expect(trust.types.find((type) => type.type === "sales")).toMatchObject({ answered: 1, since_correction: 0 });
  }, 60_000);

  it("refuses an edit of the reading and of the decision's wording in one answer, changing nothing", async () => {
    const { workspace, cli } = await waitingDeal();
    const before = await fingerprint(workspace);
    const both = await cli("approve", DEAL, "--yes", "--edit", '{"type":"business","statement":"PROCEED: my words"}');
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain(
      "correct the reading (type, assumptions, facts, verdict) or edit the decision's statement, not both in one answer",
    );
    expect(await fingerprint(workspace)).toEqual(before);
  }, 60_000);
});

describe("leanos trust", () => {
  it("says per thread type what it still needs, in the default mode", async () => {
    const workspace = await sampleCopy({ autonomy: "earned" });
    const shown = await runCli(["--workspace", workspace, "trust"]);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(
      "Autonomy: earned. Decisions at or over impact 0.8, or drafted with a confidence under 0.5, always wait.",
    );
    expect(shown.stdout).toMatch(/sales\s+0\s+0\/0 \(-\)\s+waits; needs 20 more answered decision\(s\) \(0 of 20\)/);
  });
});

describe("correct in chat", () => {
  it("corrects a thread by name from the session, and goes on with what waits", async () => {
    const { workspace } = await waitingDeal();
    const session = await runCli(["--workspace", workspace, "--json", "chat"], {
      input: `correct ${DEAL} {"verdict":"DEFER"}\nquit\n`,
      env: { LEANOS_USER: "bella" },
    });
    expect(session.exitCode, session.stderr).toBe(0);
    const records = session.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ correct: DEAL, fields: { verdict: "DEFER" }, thread: DEAL, state: "waiting" });
    expect((await metaOf(workspace, DEAL)).corrections).toEqual([
      expect.objectContaining({ by: "bella", fields: { verdict: "DEFER" }, redrafts_from: "decision" }),
    ]);
  }, 60_000);
});

describe("the web inbox", () => {
  it("shows the trust panel, and corrects a thread from its page: moved, or refused at the form with nothing changed", async () => {
    const { workspace } = await waitingDeal();
    const server = await serving(workspace);
    const inbox = await rawGet(server.url, "/inbox");
    expect(inbox.body).toContain('<aside class="trust"');
    expect(inbox.body).toMatch(/<tr data-type="sales"><td>sales<\/td><td>0<\/td>/);

    const page = await rawGet(server.url, `/threads/${DEAL}`);
    expect(page.body).toContain("Correct what the drafter read");
    const form = (fields: Record<string, string>) =>
      fetch(new URL("/threads/correct", server.url), {
        method: "POST",
        body: new URLSearchParams({ csrf: formOf(page.body, "csrf"), thread: DEAL, ...fields }),
        redirect: "manual",
      });

    const before = await fingerprint(workspace);
    const refused = await form({ assumptions: '[{"id":"A99","direction":"challenges"}]' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("A99 is not in strategy/canvas/10-assumptions.md");
    expect(await fingerprint(workspace)).toEqual(before);

    const moved = await form({ type: "business", reason: "a partnership" });
    expect(moved.status).toBe(303);
    expect(moved.headers.get("location")).toBe("/threads/business/elsaai-deal-closed");
    const after = await rawGet(server.url, "/threads/business/elsaai-deal-closed");
    expect(after.body).toContain("type business (a partnership). Drafted again from input.");
  }, 60_000);

  it("lists the rules proposed after corrections; one accepted joins the memory as the inbox's user's, and a stale or foreign answer changes nothing", async () => {
    const { workspace } = await waitingDeal();
    const runtime = await Runtime.open({ workspace, provider: "offline" });
    try {
      const when = ["vestio"];
      const then = { verdict: "DEFER" as const };
      await runtime.store.memory.put(PROPOSED, "rule-0123456789", {
        kind: "proposed-rule",
        when,
        then,
        says: ruleStatement(when, then),
        evidence: { thread: DEAL, example: "t1" },
        proposed_by: "offline:rules-v1",
        at: "2026-11-18T09:00:00.000Z",
      });
    } finally {
      await runtime.close();
    }
    const server = await serving(workspace);
    const inbox = await rawGet(server.url, "/inbox");
    expect(inbox.body).toContain(
      '<li data-rule="rule-0123456789"><strong>an event that mentions &quot;vestio&quot; is decided DEFER</strong>',
    );
    const answer = (fields: Record<string, string>) =>
      fetch(new URL("/memory/rules", server.url), {
        method: "POST",
        body: new URLSearchParams(fields),
        redirect: "manual",
      });

    const before = await fingerprint(workspace);
    expect((await answer({ csrf: "not-the-secret", id: "rule-0123456789", answer: "accept" })).status).toBe(403);
    expect((await answer({ csrf: formOf(inbox.body, "csrf"), id: "rule-nothing", answer: "accept" })).status).toBe(409);
    expect(await fingerprint(workspace)).toEqual(before);

    const accepted = await answer({ csrf: formOf(inbox.body, "csrf"), id: "rule-0123456789", answer: "accept" });
    expect(accepted.status).toBe(303);
    expect((await rawGet(server.url, "/inbox")).body).not.toContain('data-rule="rule-0123456789"');
    const audit = (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(audit.at(-1)).toMatchObject({
      kind: "rule-judged",
      id: "rule-0123456789",
      judged: "accepted",
      by: "tester",
    });
  }, 60_000);
});

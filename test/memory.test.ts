import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { describe, expect, it } from "vitest";
import { prepared, runCli, sampleCopy } from "./helpers.js";
import { differences, MAY_TOUCH, snapshot } from "./hostile/harness.js";
import { withLeanos } from "./library.js";

// What the workspace remembers (issue 27, first part): every decision a person accepted and every
// correction is kept as an example in the workspace's long-term store; `leanos memory` lists them
// with where each came from, and `leanos memory forget ID` takes one out, recorded in the audit log.
// The decisions are answered through the library (made once, each test has a copy); `leanos memory`
// and the correction that proposes a rule are the CLI's.

const DEAL = "sales/elsaai-deal-closed";
const NOW = "2026-11-18T09:00:00Z";

const cliOf =
  (workspace: string) =>
  (...args: string[]) =>
    runCli(["--workspace", workspace, "--now", NOW, "--json", "--quiet", ...args], {
      env: { LEANOS_USER: "bella" },
    });

/** Two decisions: the founder accepts one as drafted and corrects the other. */
const answered = prepared(async () => {
  const workspace = await sampleCopy({ autonomy: "earned" });
  await withLeanos(workspace, { now: NOW, user: "bella" }, async (leanos) => {
    await leanos.event({ file: "events/01-elsaai-deal-closed.md" });
    await leanos.event({ file: "events/02-lost-deal-nordstil.md" });
    expect(await leanos.approve(DEAL)).toMatchObject({ thread: DEAL });
    await leanos.correct(
      "sales/lost-deal-nordstil-chose-vestio",
      { verdict: "DEFER" },
      "not before the spring collection",
    );
  });
  return workspace;
});

async function answeredWorkspace() {
  const workspace = await answered();
  return { workspace, cli: cliOf(workspace) };
}

type Entry = { id: string; kind: string; from: string; by: string; says: string };

describe("leanos memory", () => {
  it("lists an example of each decision people accepted or corrected, with where it came from", async () => {
    const { cli } = await answeredWorkspace();
    const entries = JSON.parse((await cli("memory")).stdout) as Entry[];
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "example",
          from: `threads/${DEAL}`,
          by: "bella",
          says: expect.stringMatching(/^read as sales; A5 validates, A4 validates; PROCEED$/),
        }),
        expect.objectContaining({
          kind: "example",
          from: "threads/sales/lost-deal-nordstil-chose-vestio",
          by: "bella",
          says: expect.stringMatching(/^corrected from sales; .+; INVESTIGATE to sales; .+; DEFER$/),
        }),
      ]),
    );
    expect(entries).toHaveLength(2);
  }, 90_000);

  it("forgets one example by its id, and the audit log records who did", async () => {
    const { workspace, cli } = await answeredWorkspace();
    const [first] = JSON.parse((await cli("memory")).stdout) as Entry[];
    const forgot = await cli("memory", "forget", first!.id);
    expect(forgot.exitCode, forgot.stderr).toBe(0);
    expect((JSON.parse((await cli("memory")).stdout) as Entry[]).map((entry) => entry.id)).not.toContain(first!.id);
    const audit = (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(audit.at(-1)).toMatchObject({ kind: "memory-forgotten", id: first!.id, by: "bella", says: first!.says });
  }, 90_000);

  it("refuses to forget an id it does not hold, with exit 2 and nothing changed", async () => {
    const { workspace, cli } = await answeredWorkspace();
    const before = await snapshot(workspace, MAY_TOUCH);
    const refused = await cli("memory", "forget", "no-such-id");
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('the memory holds nothing with the id "no-such-id"');
    expect(differences(before, await snapshot(workspace, MAY_TOUCH))).toEqual([]);
  }, 90_000);
});

describe("rules proposed after a correction", () => {
  /** The rule proposed when the third lost deal read the same way is corrected to DEFER (found once, below). */
  let proposal: Entry;
  const proposing = prepared(async () => {
    const workspace = await sampleCopy({ autonomy: "earned" });
    await writeFile(
      join(workspace, "events", "kestrel.md"),
      "---\ndate: 2026-11-19\nsource: CRM\n---\nKestrel Outdoor went with Vestio after their trial ended; we lost the $90K deal.\n",
    );
    await writeFile(
      join(workspace, "events", "modalia.md"),
      "---\ndate: 2026-11-19\nsource: Email\n---\nWe lost Modalia to Vestio: their buyer signed a two-year contract with Vestio on Friday.\n",
    );
    // Three events read the same way: a rule needs two earlier ones besides the correction it explains.
    await withLeanos(workspace, { now: NOW, user: "bella" }, async (leanos) => {
      await leanos.event({ file: "events/02-lost-deal-nordstil.md" });
      await leanos.correct("sales/lost-deal-nordstil-chose-vestio", { verdict: "DEFER" });
      const kestrel = await leanos.event({ file: "events/kestrel.md" });
      await leanos.correct(kestrel.thread, { verdict: "DEFER" });
    });
    const cli = cliOf(workspace);
    const started = JSON.parse((await cli("event", "--file", "events/modalia.md")).stdout) as { thread: string };
    const corrected = await cli("correct", started.thread, "--edit", '{"verdict":"DEFER"}');
    expect(corrected.exitCode, corrected.stderr).toBe(0);
    const said = JSON.parse(corrected.stdout) as { proposed_rule?: { id: string } };
    const entries = JSON.parse((await cli("memory")).stdout) as Entry[];
    const found = entries.find((entry) => entry.kind === "proposed rule");
    expect(found).toMatchObject({
      by: "offline:rules-v1",
      says: expect.stringContaining('an event that mentions "vestio" is decided DEFER'),
    });
    // The correction that gave rise to it says so.
    expect(said.proposed_rule?.id).toBe(found!.id);
    proposal = found!;
    return workspace;
  });

  async function proposedRule() {
    const workspace = await proposing();
    return { workspace, cli: cliOf(workspace), proposal };
  }

  it("wait for a person; accepted, the rule decides the next such event, and the audit log records who accepted it", async () => {
    const { workspace, cli, proposal } = await proposedRule();
    const accepted = await cli("memory", "accept", proposal.id);
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect(
      (JSON.parse((await cli("memory")).stdout) as Entry[]).find((entry) => entry.id === proposal.id),
    ).toMatchObject({ kind: "rule", by: "bella" });
    await writeFile(
      join(workspace, "events", "vestio.md"),
      "---\ndate: 2026-11-20\nsource: Slack\n---\nAtelier Rouge told us they signed with Vestio this morning.\n",
    );
    const next = JSON.parse((await cli("event", "--file", "events/vestio.md")).stdout) as {
      thread: string;
      dir: string;
    };
    const decision = matter(await readFile(join(next.dir, "4-decision.md"), "utf8")).data.output as {
      verdict: string;
      rationale: string;
    };
    expect(decision.verdict).toBe("DEFER");
    expect(decision.rationale).toContain(
      'by the rule "an event that mentions "vestio" is decided DEFER", confirmed by bella',
    );
    const audit = (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(audit).toContainEqual(expect.objectContaining({ kind: "rule-proposed", id: proposal.id }));
    expect(audit).toContainEqual(
      expect.objectContaining({ kind: "rule-judged", id: proposal.id, judged: "accepted", by: "bella" }),
    );
  }, 120_000);

  it("rejected, the proposal is gone and no rule applies", async () => {
    const { cli, proposal } = await proposedRule();
    expect((await cli("memory", "reject", proposal.id)).exitCode).toBe(0);
    expect((JSON.parse((await cli("memory")).stdout) as Entry[]).map((entry) => entry.id)).not.toContain(proposal.id);
  }, 120_000);

  it("refuses to accept or reject an id that names no proposal, with exit 2 and nothing changed", async () => {
    const { workspace, cli } = await answeredWorkspace();
    const before = await snapshot(workspace, MAY_TOUCH);
    for (const verb of ["accept", "reject"]) {
      const refused = await cli("memory", verb, "rule-nothing");
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain('no proposed rule has the id "rule-nothing"');
    }
    expect(differences(before, await snapshot(workspace, MAY_TOUCH))).toEqual([]);
  }, 90_000);
});

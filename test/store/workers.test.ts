import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sampleCopy } from "../helpers.js";

// Several workers on one PostgreSQL: processes started at once on the same workspace (two events, a
// pass, an approval) each do their step once, never take the same slug, and a process killed in the
// middle of a step is taken over by the next pass. Runs where LEANOS_TEST_DATABASE_URL names a server.

const databaseUrl = process.env.LEANOS_TEST_DATABASE_URL;
const NOW = "2026-11-27T09:00:00Z";

interface AuditLine {
  kind: string;
  thread?: string;
  path?: string;
  node?: string;
}

const auditOf = async (workspace: string): Promise<AuditLine[]> =>
  (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditLine);

describe.skipIf(!databaseUrl)("workers sharing a workspace on PostgreSQL", () => {
  it("run two events, a pass and an approval at once: each step once, no slug twice; a killed approval is finished by the next pass", async () => {
    const workspace = await sampleCopy();
    const env = {
      LEANOS_DATABASE_URL: databaseUrl!,
      LEANOS_WORKSPACE_ID: `ws_${randomUUID().replace(/-/g, "").slice(0, 12)}`,
    };
    const leanos = (...args: string[]) =>
      runCli(["--workspace", workspace, "--json", "--quiet", "--now", NOW, ...args], { env });
    const event = (file: string) => leanos("event", "--provider", "offline", "--file", join(workspace, "events", file));

    const first = await event("01-elsaai-deal-closed.md");
    expect(first.exitCode, first.stderr).toBe(0);
    const { thread: deal, pending: decision } = JSON.parse(first.stdout) as {
      thread: string;
      pending: Array<{ id: string }>;
    };

    // Two events with the same headline, a pass and the decision's approval, all at once.
    const [one, two, pass, approve] = await Promise.all([
      event("02-lost-deal-nordstil.md"),
      event("02-lost-deal-nordstil.md"),
      leanos("pass"),
      // A worker answers the very question the event asked, as a script does.
      leanos("approve", deal, "--interrupt", decision[0]!.id),
    ]);
    for (const result of [one, two, pass, approve]) expect(result.exitCode, result.stderr).toBe(0);
    const slugs = [one, two].map((result) => (JSON.parse(result.stdout) as { thread: string }).thread);
    expect(new Set(slugs).size).toBe(2);

    // No step ran twice: the two threads of the same event wrote the same files in the same order,
    // and every question was asked once.
    const audit = await auditOf(workspace);
    const writesOf = (thread: string) =>
      audit
        .filter((entry) => entry.kind === "file-written" && entry.thread === thread)
        .map((entry) => entry.path!.slice(`threads/${thread}/`.length));
    expect(writesOf(slugs[0]!).length).toBeGreaterThan(0);
    expect(writesOf(slugs[0]!)).toEqual(writesOf(slugs[1]!));
    const asked = audit
      .filter((entry) => entry.kind === "gate-asked")
      .map((entry) => JSON.stringify([entry.thread, entry.node, (entry as { action_id?: string }).action_id]));
    expect(asked.filter((key, index) => asked.indexOf(key) !== index)).toEqual([]);
    const started = audit.filter((entry) => entry.kind === "thread-started").map((entry) => entry.thread);
    expect(started.sort()).toEqual([deal, ...slugs].sort());

    // An approval killed in the middle of its run leaves the thread "running"...
    const waiting = JSON.parse((await leanos("pending")).stdout) as Array<{ thread: string; id: string }>;
    const next = waiting.find((item) => item.thread === deal);
    expect(next).toBeDefined();
    const killed = await runCli(["--workspace", workspace, "--quiet", "--now", NOW, "approve", deal], {
      env: { ...env, LEANOS_KILL_AT: "3" },
    });
    expect(killed.exitCode).not.toBe(0);
    const metaPath = join(workspace, "threads", ...deal.split("/"), "meta.json");
    expect((JSON.parse(await readFile(metaPath, "utf8")) as { state: string }).state).toBe("running");
    // ...and the next pass takes it over and runs it on to its next question or date.
    const after = JSON.parse((await leanos("pass")).stdout) as { advanced: Array<{ thread: string; state: string }> };
    expect(after.advanced.map((entry) => entry.thread)).toContain(deal);
    expect(["waiting", "scheduled", "done"]).toContain(
      (JSON.parse(await readFile(metaPath, "utf8")) as { state: string }).state,
    );
    const check = await leanos("reindex", "--check");
    expect(check.exitCode, check.stdout).toBe(0);
  }, 240_000);
});

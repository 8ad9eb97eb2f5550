import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sampleCopy } from "./helpers.js";
import { differences, MAY_TOUCH, snapshot } from "./hostile/harness.js";

// What the workspace remembers (issue 27, first part): every decision a person accepted and every
// correction is kept as an example in the workspace's long-term store; `leanos memory` lists them
// with where each came from, and `leanos memory forget ID` takes one out, recorded in the audit log.

const DEAL = "sales/elsaai-deal-closed";

async function answeredWorkspace() {
  const workspace = await sampleCopy({ autonomy: "earned" });
  const cli = (...args: string[]) => runCli(["--workspace", workspace, "--now", "2026-11-18T09:00:00Z", "--json", "--quiet", ...args], { env: { LEANOS_USER: "bella" } });
  expect((await cli("event", "--file", "events/01-elsaai-deal-closed.md")).exitCode).toBe(0);
  expect((await cli("event", "--file", "events/02-lost-deal-nordstil.md")).exitCode).toBe(0);
  // The founder accepts one decision as drafted and corrects the other.
  expect((await cli("approve", DEAL, "--yes")).exitCode).toBe(0);
  const corrected = await cli("correct", "sales/lost-deal-nordstil-chose-vestio", "--edit", '{"verdict":"DEFER"}', "--reason", "not before the spring collection");
  expect(corrected.exitCode, corrected.stderr).toBe(0);
  return { workspace, cli };
}

type Entry = { id: string; kind: string; from: string; by: string; says: string };

describe("leanos memory", () => {
  it("lists an example of each decision people accepted or corrected, with where it came from", async () => {
    const { cli } = await answeredWorkspace();
    const entries = JSON.parse((await cli("memory")).stdout) as Entry[];
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "example", from: `threads/${DEAL}`, by: "bella", says: expect.stringMatching(/^read as sales; A5 validates, A4 validates; PROCEED$/) }),
        expect.objectContaining({ kind: "example", from: "threads/sales/lost-deal-nordstil-chose-vestio", by: "bella", says: expect.stringMatching(/^corrected from sales; .+; INVESTIGATE to sales; .+; DEFER$/) }),
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
    const audit = (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
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

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readEvent } from "../src/stages/readEvent.js";
import { buildToday, stuckThreads } from "../src/ops/today.js";
import { Runtime } from "../src/runtime/engine.js";
import type { ThreadMeta } from "../src/core/threadMeta.js";
import { runCli, sampleCopy } from "./helpers.js";

// A workspace prepared with a fixed clock: a metric drop from 2026-10-21, measured on day 7 and day 30,
// whose canvas change is approved on 2026-11-20 at 08:00, when three more events come in.
const PREPARED = new Date("2026-11-20T08:00:00Z");
const EARLIER = ["2026-10-21T08:00:00Z", "2026-10-28T08:00:00Z", "2026-11-20T07:00:00Z"].map((at) => new Date(at));
let workspace: string;

async function withRuntime<T>(now: Date, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await Runtime.open({ workspace, provider: "offline", now: () => now });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** Every thread's meta.json, found through the index. */
async function everyThread(runtime: Runtime): Promise<ThreadMeta[]> {
  const metas: ThreadMeta[] = [];
  for (const row of await runtime.store.index.rows()) metas.push(await runtime.readIndexed(row));
  return metas;
}

const hoursLater = (hours: number): Date => new Date(PREPARED.getTime() + hours * 3_600_000);

async function todayAt(now: Date): Promise<string> {
  return withRuntime(now, async (runtime) =>
    buildToday({ now, threads: await everyThread(runtime), audit: await runtime.audit.read(), spec: runtime.spec }),
  );
}

const DROP = "business/site-demo-conversion-fell-1-2";

beforeAll(async () => {
  workspace = await sampleCopy();
  await withRuntime(EARLIER[0]!, async (runtime) =>
    runtime.startEvent(
      await readEvent({ file: join(workspace, "events", "04-metric-drop-demo-conversion.md"), today: "2026-10-21" }),
    ),
  );
  expect(await withRuntime(EARLIER[1]!, (runtime) => runtime.advance(DROP))).toMatchObject({ state: "scheduled" });
  expect(await withRuntime(EARLIER[2]!, (runtime) => runtime.advance(DROP))).toMatchObject({
    state: "waiting",
    pending: [expect.objectContaining({ kind: "canvas" })],
  });
  await withRuntime(PREPARED, async (runtime) => {
    for (const name of ["01-elsaai-deal-closed.md", "02-lost-deal-nordstil.md", "06-competitor-launch-fitmirror.md"]) {
      await runtime.startEvent(await readEvent({ file: join(workspace, "events", name), today: "2026-11-20" }));
    }
    await runtime.answer(DROP, { type: "accept", args: null, by: "bella" });
  });
});

describe("ops/today.md", () => {
  it("lists every pending gate, highest impact first, with the command that answers it", async () => {
    const page = await todayAt(hoursLater(1));
    const attention = page.slice(page.indexOf("## Needs your attention"), page.indexOf("## Decisions made by AI"));
    expect(attention).toContain("## Needs your attention (3)");
    for (const thread of [
      "sales/elsaai-deal-closed",
      "sales/lost-deal-nordstil-chose-vestio",
      "business/site-demo-conversion-fell-1-2",
    ])
      expect(attention).toContain(`\`${thread}\``);
    const impacts = [...attention.matchAll(/\*\*\[(\d\.\d+)\] /g)].map((match) => Number(match[1]));
    expect(impacts).toHaveLength(3);
    expect([...impacts].sort((a, b) => b - a)).toEqual(impacts);
    expect(attention).toMatch(/\*\*\[0\.\d+\] decision\*\* `sales\/elsaai-deal-closed`/);
    expect(attention).toContain("`leanos approve sales/elsaai-deal-closed`");
    expect(attention).toContain('`leanos reject sales/lost-deal-nordstil-chose-vestio --reason "..."`');
    expect(attention).toMatch(
      /\*\*\[0\.\d+\] opportunity\*\* `business\/site-demo-conversion-fell-1-2`: Start a business thread for "Rethink/,
    );
  });

  it("lists the decisions the policy took in the last 24 hours, and drops them after", async () => {
    const page = await todayAt(hoursLater(1));
    const decisions = page.slice(page.indexOf("## Decisions made by AI"), page.indexOf("## Canvas changes"));
    expect(decisions).toContain("`business/competitor-launch-fitmirror-released-fitmirror-free`: decision");
    expect(decisions).toContain("taken by policy");
    expect(decisions).toContain("below the approval threshold 0.8");
    expect(decisions).not.toContain("sales/elsaai-deal-closed");
    const later = await todayAt(hoursLater(30));
    expect(later.slice(later.indexOf("## Decisions made by AI"), later.indexOf("## Canvas changes"))).toContain(
      "_None in the last 24 hours._",
    );
  });

  it("shows the approved canvas change and the opportunity it raised", async () => {
    const page = await todayAt(hoursLater(1));
    const canvas = page.slice(page.indexOf("## Canvas changes"), page.indexOf("## Opportunities"));
    expect(canvas).toMatch(
      /\*\*A9\*\* confidence 55% → 46%, status TESTING → CHALLENGED, evidence \+ threads\/business\/site-demo-conversion-fell-1-2 via `threads\/business\/site-demo-conversion-fell-1-2` \(approved by bella\)/,
    );
    const opportunities = page.slice(page.indexOf("## Opportunities"), page.indexOf("## Snapshot"));
    expect(opportunities).toMatch(
      /Rethink [AH]\d+: .* \(business\) from `business\/site-demo-conversion-fell-1-2`: waits for approval/,
    );
  });

  it("counts threads by type and stage", async () => {
    const page = await todayAt(hoursLater(1));
    expect(page).toContain(
      "| Type | input | hypothesis | implication | decision | actions | learning | done | total |",
    );
    expect(page).toContain("| sales | 0 | 0 | 0 | 1 | 1 | 0 | 0 | 2 |");
    expect(page).toContain("| business | 0 | 0 | 0 | 0 | 0 | 1 | 1 | 2 |");
  });

  it("raises an alert for a thread past its stage's SLA, and only then", async () => {
    await withRuntime(hoursLater(6 * 24), async (runtime) => {
      expect(stuckThreads(await everyThread(runtime), runtime.spec, runtime.now())).toEqual([]);
    });
    const page = await todayAt(hoursLater(8 * 24));
    const alerts = page.slice(page.indexOf("## Alerts"));
    expect(alerts).toContain(
      "`sales/elsaai-deal-closed` has been in **decision** for 8 days (SLA 7 days): it waits for an answer",
    );
    // The actions and learning stages have no SLA in the graph file.
    expect(alerts).not.toContain("nordstil");
  });

  it("is written by leanos today, with --now", async () => {
    const result = await runCli(["--workspace", workspace, "--now", "2026-11-28T08:30:00Z", "today"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const file = await readFile(join(workspace, "ops", "today.md"), "utf8");
    // execa drops the final newline of stdout.
    expect(result.stdout).toBe(file.replace(/\n$/, ""));
    expect(file).toContain("# Today: 2026-11-28");
    expect(file).toContain("`sales/elsaai-deal-closed` has been in **decision** for 8 days (SLA 7 days)");
    const bad = await runCli(["--workspace", workspace, "--now", "yesterday-ish", "today"]);
    expect(bad.exitCode).toBe(2);
  });
});

import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import matter from "gray-matter";
import { describe, expect, it } from "vitest";
import type { PassSummary } from "../src/ops/pass.js";
import { Runtime } from "../src/runtime/engine.js";
import type { ThreadMeta } from "../src/core/threadMeta.js";
import { cliPath, passAt, runCli, sampleCopy } from "./helpers.js";
import { passInProcess } from "./library.js";

const at = (iso: string) => () => new Date(iso);

async function withRuntime<T>(workspace: string, now: string, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await Runtime.open({ workspace, provider: "offline", now: at(now) });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

const summaryOf = (result: { stdout: string }): PassSummary => JSON.parse(result.stdout) as PassSummary;

async function meta(workspace: string, thread: string): Promise<ThreadMeta> {
  return JSON.parse(
    await readFile(join(workspace, "threads", ...thread.split("/"), "meta.json"), "utf8"),
  ) as ThreadMeta;
}

const CAMPAIGN_TEXT = (name: string) =>
  `Case study: Luxury brands prefer a white-label SDK (${name}). A4 reached 95% after the ${name} deal ($900K ARR, 35% return reduction); a named story helps the next luxury buyers. Follow-up of threads/sales/${name.toLowerCase()}-deal.`;

/** Campaign threads run up to their measure action (publish and promote approved) on 2026-11-26. */
async function campaigns(workspace: string, names: string[]): Promise<string[]> {
  return withRuntime(workspace, "2026-11-26T08:00:00Z", async (runtime) => {
    const threads: string[] = [];
    for (const name of names) {
      const started = await runtime.startEvent(
        { text: CAMPAIGN_TEXT(name), date: "2026-11-26", source: "test" },
        "marketing",
      );
      await runtime.answer(started.thread, { type: "accept", args: null, by: "bella" });
      const measuring = await runtime.answer(started.thread, { type: "accept", args: null, by: "bella" });
      expect(measuring).toMatchObject({ state: "scheduled" });
      threads.push(started.thread);
    }
    return threads;
  });
}

async function checksRun(workspace: string, thread: string): Promise<string[]> {
  const log = await readFile(join(workspace, "threads", ...thread.split("/"), "5-actions", "execution-log.md"), "utf8");
  return [...log.matchAll(/(act-\d+): (day-\d+) check ran/g)].map((match) => `${match[1]} ${match[2]}`);
}

describe("leanos pass", () => {
  it("measures a campaign on day 7 and day 30, then learns; a pass between finds nothing due, and a second pass does nothing new", async () => {
    const workspace = await sampleCopy();
    const [thread] = await campaigns(workspace, ["Maison Noor"]);
    expect(await meta(workspace, thread!)).toMatchObject({
      state: "scheduled",
      next_due: "2026-12-03",
      current_action: { type: "marketing:measure" },
    });

    expect((await passInProcess(workspace, "2026-12-02T08:00:00Z")).advanced).toEqual([]);
    const day7 = await passInProcess(workspace, "2026-12-03T08:00:00Z");
    expect(day7.advanced).toEqual([{ thread, state: "scheduled", pending: 0, next_due: "2026-12-26" }]);
    expect(await checksRun(workspace, thread!)).toEqual(["act-5 day-7"]);
    const again = await passInProcess(workspace, "2026-12-03T08:00:00Z");
    expect(again).toMatchObject({ advanced: [], proposed: [], attributed: [] });
    expect(await checksRun(workspace, thread!)).toEqual(["act-5 day-7"]);

    const day30 = await passInProcess(workspace, "2026-12-26T08:00:00Z");
    expect(day30.advanced).toEqual([{ thread, state: "done", pending: 0, next_due: null }]);
    expect(await checksRun(workspace, thread!)).toEqual(["act-5 day-7", "act-5 day-30"]);
    expect(await meta(workspace, thread!)).toMatchObject({ state: "done", stage: "learning" });
    const learning = matter(
      await readFile(join(workspace, "threads", ...thread!.split("/"), "6-learning.md"), "utf8"),
      {},
    ).data;
    expect(learning.drafted_at >= "2026-12-26").toBe(true);

    const today = await readFile(join(workspace, "ops", "today.md"), "utf8");
    expect(today).toContain("# Today: 2026-12-26");
  });

  it("turns three sales learnings that validate one assumption into one campaign proposal, with the sources linked", async () => {
    const workspace = await sampleCopy();
    const deals = [
      "Maison Noor deal closed: $800K ARR, 31% return reduction in the pilot. White-label edition chosen; the 6th luxury brand to choose white-label.",
      "Lumière Paris deal closed: $950K ARR, 33% return reduction in the pilot. White-label edition chosen by the luxury house.",
      "Atelier Sol deal closed: $700K ARR, 30% return reduction in the pilot. White-label chosen again by a luxury brand.",
    ];
    const sources = await withRuntime(workspace, "2026-11-20T08:00:00Z", async (runtime) => {
      const threads: string[] = [];
      for (const text of deals) {
        const started = await runtime.startEvent({ text, date: "2026-11-20", source: "CRM" });
        // The decision is turned down (no campaign per deal), so each thread goes straight to learning.
        await runtime.answer(started.thread, { type: "ignore", args: "one campaign for all of them", by: "bella" });
        threads.push(started.thread);
      }
      return threads;
    });
    for (const thread of sources) expect((await meta(workspace, thread)).validated).toContain("A4");

    const first = await passInProcess(workspace, "2026-11-21T08:00:00Z");
    const a4 = first.proposed.filter((proposal) => proposal.pattern === "validated:A4");
    expect(a4).toHaveLength(1);
    expect(a4[0]!.sources).toEqual([...sources].sort());
    const proposal = await meta(workspace, a4[0]!.thread);
    expect(proposal).toMatchObject({
      type: "marketing",
      pattern: { key: "validated:A4", sources: [...sources].sort() },
    });
    // The event says where it came from in a field the drafter reads, not in its prose.
    expect(proposal.event.origin).toEqual({ kind: "pattern", threads: [...sources].sort() });
    const decision = matter(
      await readFile(join(workspace, "threads", ...a4[0]!.thread.split("/"), "4-decision.md"), "utf8"),
      {},
    ).data.output as { statement: string };
    expect(decision.statement).toMatch(/case study campaign/);
    const input = matter(
      await readFile(join(workspace, "threads", ...a4[0]!.thread.split("/"), "1-input.md"), "utf8"),
      {},
    ).data.output as { summary: string };
    for (const thread of sources) expect(input.summary).toContain(`threads/${thread}`);

    const second = await passInProcess(workspace, "2026-11-21T09:00:00Z");
    expect(second.proposed).toEqual([]);
    const marketing = (await readdir(join(workspace, "threads", "marketing"))).length;
    expect(marketing).toBe(first.proposed.length);
  });

  it("links a lead to the campaign its event names, and flags a human action past its due date", async () => {
    const workspace = await sampleCopy();
    const [campaign] = await campaigns(workspace, ["Maison Noor"]);
    const slug = campaign!.split("/")[1]!;
    const lead = await withRuntime(workspace, "2026-11-27T08:00:00Z", async (runtime) => {
      const started = await runtime.startEvent(
        {
          text: `Inbound lead: Atelier Rouge, a Paris luxury house, requested a demo. VP Digital Commerce; online return rate on ready-to-wear about 29%; ready-to-wear over 40% of online sales; Salesforce Commerce Cloud; EU single-tenant cloud hosting. Came from https://glamyouup.com/stories/${slug}?utm_source=blog&utm_campaign=${slug}.`,
          date: "2026-11-27",
          source: "website form",
        },
        "sales",
      );
      return started.state === "waiting" && started.pending[0]!.stage === "decision"
        ? runtime.answer(started.thread, { type: "accept", args: null, by: "bella" })
        : started;
    });
    expect(lead.pending[0]).toMatchObject({ kind: "actions", action_id: "act-2" });
    const due = (await meta(workspace, lead.thread)).current_action!.due;

    const summary = await passInProcess(workspace, "2026-12-10T08:00:00Z");
    expect(summary.attributed).toEqual([{ thread: lead.thread, campaign }]);
    expect(await meta(workspace, lead.thread)).toMatchObject({ attribution: { campaign } });
    expect((await meta(workspace, campaign!)).attributed).toEqual([lead.thread]);
    expect(summary.stalled).toEqual([
      expect.objectContaining({ thread: lead.thread, action_id: "act-2", type: "sales:qualify", due }),
    ]);
    expect(await readFile(join(workspace, "ops", "today.md"), "utf8")).toContain(
      `\`${lead.thread}\` act-2 \`sales:qualify\` (owner human) was due ${due}`,
    );
    expect((await passInProcess(workspace, "2026-12-10T09:00:00Z")).attributed).toEqual([]);
  });

  it("runs each step once when two passes start at the same time", async () => {
    const workspace = await sampleCopy();
    const threads = await campaigns(workspace, ["Maison Noor", "Atelier Sol", "Casa Vela"]);
    const both = await Promise.all(
      [0, 1].map(() => runCli(["--workspace", workspace, "--json", "--now", "2026-12-03T08:00:00Z", "pass"])),
    );
    for (const result of both) expect(result.exitCode, result.stderr).toBe(0);
    const summaries = both.map(summaryOf);
    const advanced = summaries.flatMap((summary) => summary.advanced.map((entry) => entry.thread)).sort();
    expect(advanced).toEqual([...threads].sort());
    for (const thread of threads) expect(await checksRun(workspace, thread)).toEqual(["act-5 day-7"]);
  });

  it("stops after the step in hand on SIGTERM, leaves every file whole, and the next pass finishes the rest", async () => {
    const workspace = await sampleCopy();
    const threads = await campaigns(workspace, [
      "Maison Noor",
      "Atelier Sol",
      "Casa Vela",
      "Riva Moda",
      "Nord Atelier",
      "Linea Sei",
    ]);
    const pass = execa(
      process.execPath,
      [cliPath, "--workspace", workspace, "--json", "--now", "2026-12-03T08:00:00Z", "pass"],
      { reject: false, env: { ANTHROPIC_API_KEY: "" } },
    );
    await new Promise<void>((resolve) => {
      pass.stderr!.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("advancing")) resolve();
      });
    });
    pass.kill("SIGTERM");
    const ended = await pass;
    expect(ended.exitCode).toBe(0);
    const summary = JSON.parse(String(ended.stdout)) as PassSummary;
    expect(summary.stopped_early).toBe(true);
    expect(summary.advanced.length).toBeLessThan(threads.length);

    // Whole files only: every meta.json and stage file parses, and no temporary file is left behind.
    for (const thread of threads) {
      const dir = join(workspace, "threads", ...thread.split("/"));
      JSON.parse(await readFile(join(dir, "meta.json"), "utf8"));
      for (const name of await readdir(join(dir, "5-actions"))) {
        expect(name).not.toMatch(/\.\d+$|tmp/);
        if (name.endsWith(".md")) matter(await readFile(join(dir, "5-actions", name), "utf8"), {});
      }
    }
    const rest = summaryOf(await passAt(workspace, "2026-12-03T08:00:00Z"));
    expect(rest.advanced.length + summary.advanced.length).toBe(threads.length);
    for (const thread of threads) expect(await checksRun(workspace, thread)).toEqual(["act-5 day-7"]);
  });
});

describe("leanos schedule", () => {
  it("runs passes on the schedule, logs a failing pass and goes on, and stops cleanly on SIGTERM", async () => {
    const workspace = await sampleCopy();
    const assumptions = join(workspace, "strategy", "canvas", "10-assumptions.md");
    const good = await readFile(assumptions, "utf8");
    const schedule = execa(
      process.execPath,
      [cliPath, "--workspace", workspace, "--json", "schedule", "--cron", "* * * * * *"],
      { reject: false, env: { ANTHROPIC_API_KEY: "" } },
    );
    let out = "";
    let err = "";
    schedule.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    schedule.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    const lines = () =>
      out
        .split("\n")
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as Partial<PassSummary> & { failed?: string });
    const until = async (check: () => boolean): Promise<void> => {
      for (let attempt = 0; attempt < 200 && !check(); attempt += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(check()).toBe(true);
    };
    await until(() => lines().length >= 1);
    await writeFile(
      assumptions,
      good.replace("**Confidence:** 60% (previously: 40%)", "**Confidence:** 140% (previously: 40%)"),
    );
    await until(() => lines().some((line) => typeof line.failed === "string"));
    await writeFile(assumptions, good);
    const failures = lines().filter((line) => typeof line.failed === "string").length;
    await until(() => lines().length >= failures + 2 && typeof lines().at(-1)!.failed !== "string");
    schedule.kill("SIGTERM");
    const ended = await schedule;
    expect(ended.exitCode).toBe(0);
    expect(err).toMatch(/leanos schedule "\* \* \* \* \* \*": next pass/);
    expect(err).toMatch(/pass failed: [\s\S]*confidence 140% is outside 0-100%/);
    expect(err).toContain("SIGTERM: stopping after the step in hand");
    expect(err).toContain("schedule stopped");
    expect(lines().filter((line) => line.threads !== undefined).length).toBeGreaterThanOrEqual(2);
  });

  it("refuses a cron expression it cannot read", async () => {
    const workspace = await sampleCopy();
    const result = await runCli(["--workspace", workspace, "schedule", "--cron", "every morning"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--cron "every morning"/);
  });
});

// What the prompt cache saves on the demo's whole flow with the anthropic provider: the closed-deal
// event, every approval, and the passes on the days the campaign is measured, each step a separate
// `leanos` process. The model is a local Messages API server (test/fakeAnthropic.ts) that answers
// with the skills' own examples and bills each request as the API's cache would (tools, system,
// messages; breakpoints; 20-block lookback; TTL), counting tokens at 4 characters each.
// Billed input counts reads at 0.1x, 5-minute writes at 1.25x and 1-hour writes at 2x, against the
// same requests with no cache. The clock of the cache moves GAP minutes before every human step or
// pass. The default setting (auto) runs twice: on an empty memory, and on a memory that holds three
// judged examples of the demo's other events and a confirmed rule (issue 27), so model requests carry
// worked examples. `npm run bench:cache`; BENCH_CACHE_GAPS=1,10 picks the minutes between steps.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cp, mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { documentsReply, stageExample, startFakeAnthropic, type FakeAnthropic } from "../test/fakeAnthropic.js";
import { billedInput, uncachedInput } from "../test/fakes/promptCache.js";
import { CacheSetting } from "../src/workspace/config.js";
import { readEvent } from "../src/stages/readEvent.js";
import { EXAMPLES, RULES, rememberExample, type Example } from "../src/memory/examples.js";
import { recallLessons } from "../src/memory/recall.js";
import { Rule, ruleStatement } from "../src/memory/rules.js";
import { openStore } from "../src/store/open.js";
import { openWorkspace } from "../src/workspace/workspace.js";

const root = resolve(import.meta.dirname, "..");
const run = promisify(execFile);
const STAGES = ["input", "hypothesis", "implication", "decision", "actions", "learning"];

interface Step {
  state: string;
  thread: string;
  pending: Array<{ id?: string }>;
  next_due?: string | null;
}

const DEAL = "01-elsaai-deal-closed.md";
/** When the flow starts: the day after the demo's deal closed. */
const START = "2026-11-25T09:00:00.000Z";

const reading = (type: string, assumptions: Array<[string, string]>, verdict?: string): Example["final"] => ({
  type,
  assumptions: assumptions.map(([id, direction]) => ({ id, direction })),
  ...(verdict ? { verdict } : {}),
  facts: [],
});

/** What a person judged of the demo's other events, as the memory keeps it. */
const JUDGED: Array<{ file: string } & Pick<Example, "read" | "final" | "judged" | "reason">> = [
  {
    file: "07-pilot-result-kaori.md",
    read: reading(
      "sales",
      [
        ["A2", "validates"],
        ["A7", "validates"],
      ],
      "PROCEED",
    ),
    final: reading(
      "sales",
      [
        ["A2", "challenges"],
        ["A7", "validates"],
      ],
      "INVESTIGATE",
    ),
    judged: "corrected",
    reason: "the pilot missed its 25% target",
  },
  {
    file: "02-lost-deal-nordstil.md",
    read: reading("sales", [["A8", "challenges"]], "INVESTIGATE"),
    final: reading("sales", [["A8", "challenges"]], "INVESTIGATE"),
    judged: "agreed",
  },
  {
    file: "03-inbound-lead-atelier-rouge.md",
    read: reading("sales", [["A4", "validates"]], "PROCEED"),
    final: reading("sales", [["A4", "validates"]], "PROCEED"),
    judged: "agreed",
  },
];

/**
 * Writes the judged examples and a confirmed rule into the workspace's memory, as leanos keeps them
 * once people judge (memory/examples.ts); how many examples the closed deal recalls as its nearest.
 */
async function seedMemory(root: string): Promise<number> {
  const workspace = await openWorkspace(root);
  const store = await openStore(workspace);
  try {
    for (const [index, judged] of JUDGED.entries()) {
      const { file, ...values } = judged;
      const event = await readEvent({ file: join(root, "events", file), today: "2026-11-25" });
      const at = `2026-11-${String(19 + index).padStart(2, "0")}T09:00:00.000Z`;
      await rememberExample(store.memory, `bench-${index}`, {
        kind: "example",
        thread: `sales/${file.replace(/^\d+-|\.md$/g, "")}`,
        event: event.text,
        ...values,
        by: "bench",
        at,
      });
    }
    const then = { verdict: "INVESTIGATE" as const };
    const rule = {
      kind: "rule",
      when: ["pilot", "target"],
      then,
      says: ruleStatement(["pilot", "target"], then),
      evidence: { thread: "sales/pilot-result-kaori", example: "bench-0" },
      proposed_by: "bench",
      by: "bench",
      at: "2026-11-20T10:00:00.000Z",
    };
    await store.memory.put(RULES, "rule-bench", Rule.parse(rule));
    const deal = await readEvent({ file: join(root, "events", DEAL), today: "2026-11-25" });
    const lessons = await recallLessons(store.memory, deal.text);
    if ((await store.memory.search(EXAMPLES, { limit: 10 })).length !== JUDGED.length || lessons.rules.length !== 1)
      throw new Error("the memory was not seeded");
    return lessons.nearest.length;
  } finally {
    await store.close();
  }
}

async function runFlow(server: FakeAnthropic, gapMinutes: number, ttl: CacheSetting, withMemory: boolean) {
  server.reset();
  server.script.set("classify_event", [{ tool: { type: "sales", title: "ElsaAI deal closed" } }]);
  for (const stage of STAGES) server.script.set(`${stage}_stage_output`, [{ tool: await stageExample(stage) }]);
  // With its publishable part marked, as a send's document keeps it (actions/publishable.ts).
  server.script.set("write_documents", [
    documentsReply("# Finished\n\n<!-- publish -->\nEvery fact kept.\n<!-- /publish -->\n"),
  ]);
  const workspace = await mkdtemp(join(tmpdir(), "leanos-bench-cache-"));
  await cp(join(root, "examples", "workspace"), workspace, {
    recursive: true,
    filter: (path) => !/[\\/](threads|\.leanos[\\/].*\.sqlite.*|audit\.jsonl)$/.test(path),
  });
  const config = join(workspace, ".leanos", "config.yaml");
  await writeFile(config, `${await readFile(config, "utf8").catch(() => "")}\ncache_ttl: "${ttl}"\n`);
  const nearest = withMemory ? await seedMemory(workspace) : 0;
  if (withMemory && nearest === 0) throw new Error("the seeded examples are not near the demo's event");
  // Asynchronous: the model server answers from this very process.
  const leanos = async (...args: string[]): Promise<Step> => {
    const { stdout } = await run(
      process.execPath,
      [join(root, "bin", "leanos.js"), "--workspace", workspace, "--json", "--quiet", ...args],
      {
        encoding: "utf8",
        env: { ...process.env, ANTHROPIC_API_KEY: "bench", LEANOS_ANTHROPIC_URL: server.url, LEANOS_USER: "bench" },
      },
    );
    return JSON.parse(stdout) as Step;
  };
  // Two clocks. leanos's (--now on every command, which its audit log follows) moves GAP minutes a
  // step, and to the due date for a pass, as a workspace's days go. The cache's moves GAP minutes a
  // step, passes too: a flow "back to back" runs every command within a minute or so of the last, as
  // `npm run demo` does, whatever date leanos acts on; a flow a day apart finds the cache cold each time.
  let now = new Date(START);
  let cacheNow = new Date(START);
  const at = (): string[] => ["--now", now.toISOString()];
  server.cache.setClock(cacheNow);
  const perStep: string[][] = [];
  const counted = async <T>(work: () => Promise<T>): Promise<T> => {
    const before = server.requests.length;
    const result = await work();
    const tools = server.requests.slice(before).map((request) => request.tool.replace(/_stage_output|_event/, ""));
    if (tools.length > 0) perStep.push(tools);
    return result;
  };
  let step = await counted(() =>
    leanos(...at(), "event", "--provider", "anthropic", "--file", join(workspace, "events", DEAL)),
  );
  let humanSteps = 0;
  while (step.state === "waiting" || step.state === "scheduled") {
    now = new Date(now.getTime() + gapMinutes * 60_000);
    cacheNow = new Date(cacheNow.getTime() + gapMinutes * 60_000);
    server.cache.setClock(cacheNow);
    if (step.state === "scheduled") {
      const due = new Date(`${(await leanos(...at(), "status", step.thread)).next_due}T08:00:00Z`);
      if (due > now) now = due;
      await counted(() => leanos(...at(), "pass"));
      step = { ...step, ...(await leanos(...at(), "status", step.thread)) };
    } else {
      humanSteps += 1;
      // The question the last output showed, by its id (an approval never lands on another one).
      const id = step.pending[0]?.id;
      step = {
        ...step,
        ...(await counted(() => leanos(...at(), "approve", step.thread, ...(id ? ["--interrupt", id] : [])))),
      };
    }
  }
  await rm(workspace, { recursive: true, force: true });
  const usage = server.requests.map((request) => request.usage);
  const uncached = usage.reduce((sum, one) => sum + uncachedInput(one), 0);
  const billed = usage.reduce((sum, one) => sum + billedInput(one), 0);
  return {
    gap_min: gapMinutes,
    ttl,
    memory: withMemory ? `${nearest} examples, 1 rule` : "empty",
    state: step.state,
    steps: humanSteps,
    calls: usage.length,
    calls_per_process: perStep.map((tools) => tools.length).join(" "),
    processes: perStep.map((tools) => tools.join(", ")),
    by_tool: [...new Set(server.requests.map((request) => request.tool))]
      .map(
        (tool) =>
          `${tool.replace("_stage_output", "")} ${server.requests.filter((request) => request.tool === tool).length}`,
      )
      .join(", "),
    uncached_tokens: uncached,
    read: usage.reduce((sum, one) => sum + one.cache_read_input_tokens, 0),
    written: usage.reduce((sum, one) => sum + one.cache_creation_input_tokens, 0),
    billed_tokens: Math.round(billed),
    billed_to_uncached: Number((billed / uncached).toFixed(3)),
  };
}

/** Minutes between steps: back to back, a person answering within the hour, and a day (the cache long expired). */
const GAPS = (process.env.BENCH_CACHE_GAPS ?? "1,10,1440").split(",").map(Number);
const SETTINGS = CacheSetting.options.filter((setting) => setting !== "off");
const gapName = (gap: number): string =>
  gap <= 1 ? "back to back" : gap >= 1440 ? `${gap / 1440} day apart (cold)` : `${gap} min apart`;

const server = await startFakeAnthropic();
try {
  const rows: Array<Awaited<ReturnType<typeof runFlow>>> = [];
  for (const gap of GAPS)
    for (const setting of SETTINGS)
      for (const withMemory of setting === "auto" ? [false, true] : [false]) {
        process.stderr.write(
          `flow ${gapName(gap)}, cache_ttl ${setting}, ${withMemory ? "a memory of examples" : "an empty memory"}...\n`,
        );
        rows.push(await runFlow(server, gap, setting, withMemory));
      }
  console.log("The demo's flow (closed deal to learning) with --provider anthropic, billed input against uncached:");
  console.table(rows.map(({ by_tool: _calls, processes: _processes, ...row }) => row));
  console.log(`calls of one flow: ${rows[0]!.by_tool}; by process:`);
  for (const [index, tools] of rows[0]!.processes.entries()) console.log(`  ${index + 1}. ${tools}`);
  const share = (gap: number, setting: string, memory = false) =>
    rows.find((row) => row.gap_min === gap && row.ttl === setting && (row.memory !== "empty") === memory)
      ?.billed_to_uncached;
  console.log(
    "Billed input / uncached by cache_ttl (auto: marks where they pay; 5m and 1h: every breakpoint, as before):",
  );
  console.table(
    GAPS.map((gap) => ({
      flow: gapName(gap),
      ...Object.fromEntries(SETTINGS.map((setting) => [setting, share(gap, setting)])),
      "auto, a memory of examples": share(gap, "auto", true),
    })),
  );
} finally {
  await server.close();
}

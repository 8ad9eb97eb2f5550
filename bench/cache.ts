// What the prompt cache saves on the demo's whole flow with the anthropic provider: the closed-deal
// event, every approval, and the passes on the days the campaign is measured, each step a separate
// `leanos` process. The model is a local Messages API server (test/fakeAnthropic.ts) that answers
// with the skills' own examples and bills each request as the API's cache would (tools, system,
// messages; breakpoints; 20-block lookback; TTL), counting tokens at 4 characters each.
// Billed input counts reads at 0.1x, 5-minute writes at 1.25x and 1-hour writes at 2x, against the
// same requests with no cache. The clock of the cache moves GAP minutes before every human step or
// pass. `npm run bench:cache`.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cp, mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { documentsReply, stageExample, startFakeAnthropic, type FakeAnthropic } from "../test/fakeAnthropic.js";
import { billedInput, uncachedInput } from "../test/fakes/promptCache.js";
import { CacheTtl } from "../src/workspace/config.js";

const root = resolve(import.meta.dirname, "..");
const run = promisify(execFile);
const STAGES = ["input", "hypothesis", "implication", "decision", "actions", "learning"];

interface Step {
  state: string;
  thread: string;
  pending: Array<{ id?: string }>;
  next_due?: string | null;
}

async function runFlow(server: FakeAnthropic, gapMinutes: number, ttl: CacheTtl) {
  server.reset();
  server.script.set("classify_event", [{ tool: { type: "sales", title: "ElsaAI deal closed" } }]);
  for (const stage of STAGES) server.script.set(`${stage}_stage_output`, [{ tool: await stageExample(stage) }]);
  server.script.set("write_documents", [documentsReply("# Finished\n\nEvery fact kept.")]);
  const workspace = await mkdtemp(join(tmpdir(), "leanos-bench-cache-"));
  await cp(join(root, "examples", "workspace"), workspace, { recursive: true, filter: (path) => !/[\\/](threads|\.leanos[\\/].*\.sqlite.*|audit\.jsonl)$/.test(path) });
  const config = join(workspace, ".leanos", "config.yaml");
  await writeFile(config, `${await readFile(config, "utf8").catch(() => "")}\ncache_ttl: "${ttl}"\n`);
  // Asynchronous: the model server answers from this very process.
  const leanos = async (...args: string[]): Promise<Step> => {
    const { stdout } = await run(process.execPath, [join(root, "bin", "leanos.js"), "--workspace", workspace, "--json", "--quiet", ...args], {
      encoding: "utf8",
      env: { ...process.env, ANTHROPIC_API_KEY: "bench", LEANOS_ANTHROPIC_URL: server.url, LEANOS_USER: "bench" },
    });
    return JSON.parse(stdout) as Step;
  };
  let step = await leanos("event", "--provider", "anthropic", "--file", join(workspace, "events", "01-elsaai-deal-closed.md"));
  let now: string | undefined;
  let humanSteps = 0;
  while (step.state === "waiting" || step.state === "scheduled") {
    server.cache.advance(gapMinutes * 60_000);
    if (step.state === "scheduled") {
      now = `${(await leanos("status", step.thread)).next_due}T08:00:00Z`;
      await leanos("--now", now, "pass");
      step = { ...step, ...(await leanos("status", step.thread)) };
    } else {
      humanSteps += 1;
      // The question the last output showed, by its id (an approval never lands on another one).
      const id = step.pending[0]?.id;
      step = { ...step, ...(await leanos(...(now ? ["--now", now] : []), "approve", step.thread, ...(id ? ["--interrupt", id] : []))) };
    }
  }
  await rm(workspace, { recursive: true, force: true });
  const usage = server.requests.map((request) => request.usage);
  const uncached = usage.reduce((sum, one) => sum + uncachedInput(one), 0);
  const billed = usage.reduce((sum, one) => sum + billedInput(one), 0);
  return {
    gap_min: gapMinutes,
    ttl,
    state: step.state,
    steps: humanSteps,
    calls: usage.length,
    by_tool: [...new Set(server.requests.map((request) => request.tool))]
      .map((tool) => `${tool.replace("_stage_output", "")} ${server.requests.filter((request) => request.tool === tool).length}`)
      .join(", "),
    uncached_tokens: uncached,
    read: usage.reduce((sum, one) => sum + one.cache_read_input_tokens, 0),
    written: usage.reduce((sum, one) => sum + one.cache_creation_input_tokens, 0),
    billed_tokens: Math.round(billed),
    billed_to_uncached: Number((billed / uncached).toFixed(3)),
  };
}

const server = await startFakeAnthropic();
try {
  const rows = [];
  for (const [gap, ttl] of [1, 10].flatMap((gap) => CacheTtl.options.map((ttl) => [gap, ttl] as const))) {
    process.stderr.write(`flow with ${gap} min between steps, ${ttl} cache...\n`);
    rows.push(await runFlow(server, gap, ttl));
  }
  console.log("The demo's flow (closed deal to learning) with --provider anthropic, billed input against uncached:");
  console.table(rows.map(({ by_tool: _calls, ...row }) => row));
  console.log(`calls of one flow: ${rows[0]!.by_tool}`);
} finally {
  await server.close();
}

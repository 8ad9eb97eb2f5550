// How long a pass takes over a large workspace where nothing is due, and how much memory it needs.
// Generates workspaces of 1,000, 5,000 and 10,000 threads (89% done, 10% scheduled for later, 1% waiting
// for a person), runs the real CLI (`leanos pass --json`) on each, and reports the time per 1,000
// threads and the peak memory. Run with `npm run bench`.
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ThreadMeta } from "../src/threads/meta.js";

const root = resolve(import.meta.dirname, "..");
const sizes = (process.env.BENCH_SIZES ?? "1000,5000,10000").split(",").map(Number);
const types = ["sales", "marketing", "business"] as const;

function metaFor(index: number): ThreadMeta {
  const type = types[index % 3]!;
  const slug = `event-${String(index).padStart(6, "0")}`;
  const roll = index % 100;
  const state = roll === 0 ? "waiting" : roll < 11 ? "scheduled" : "done";
  const at = new Date(Date.UTC(2026, 0, 1) + (index % 300) * 86_400_000).toISOString();
  return ThreadMeta.parse({
    thread: `${type}/${slug}`,
    type,
    slug,
    title: `Event ${index}`,
    created_at: at,
    updated_at: "2026-11-25T08:00:00.000Z",
    event: { date: at.slice(0, 10), source: "bench", text: `Event ${index}: a customer did something worth recording, with $${index}K at stake.` },
    graph: "causal-flow",
    provider: "offline",
    model: "rules-v1",
    state,
    stage: state === "done" ? "learning" : state === "scheduled" ? "actions" : "decision",
    impact: 0.5,
    pending:
      state === "waiting"
        ? [{ thread: `${type}/${slug}`, kind: "decision", node: "gate_decision", stage: "decision", question: `Approve decision ${index}?`, impact: 0.85, allowed: ["accept", "edit", "respond", "reject"] }]
        : [],
    files: ["1-input.md", "2-hypothesis.md", "3-implication.md", "4-decision.md"],
    next_due: state === "scheduled" ? "2027-06-01" : null,
    attribution_checked: true,
    current_action:
      state === "scheduled" ? { id: "act-5", type: "marketing:measure", title: "Measure", status: "in_progress", owner: "ai", due: "2027-06-30" } : null,
  });
}

async function workspaceOf(size: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `leanos-bench-${size}-`));
  await cp(join(root, "examples", "workspace", "strategy"), join(dir, "strategy"), { recursive: true });
  await cp(join(root, "examples", "workspace", ".leanos"), join(dir, ".leanos"), { recursive: true });
  for (let index = 0; index < size; index += 1) {
    const meta = metaFor(index);
    const threadDir = join(dir, "threads", ...meta.thread.split("/"));
    await mkdir(threadDir, { recursive: true });
    await writeFile(join(threadDir, "meta.json"), `${JSON.stringify(meta, null, 2)}\n`);
    await writeFile(join(threadDir, "1-input.md"), `---\nstage: input\n---\n# ${meta.title}\n\n${meta.event.text}\n`);
  }
  return dir;
}

const rows: Array<{ threads: number; pass_ms: number; ms_per_1000: number; max_rss_mb: number; heap_mb: number; advanced: number }> = [];
for (const size of sizes) {
  const dir = await workspaceOf(size);
  try {
    const runs = [0, 1, 2].map(() => {
      const started = process.hrtime.bigint();
      const out = execFileSync(process.execPath, [join(root, "bin", "leanos.js"), "--workspace", dir, "--json", "--quiet", "--now", "2026-11-26T08:00:00Z", "pass"], {
        encoding: "utf8",
        env: { ...process.env, ANTHROPIC_API_KEY: "" },
      });
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const summary = JSON.parse(out) as { ms: number; max_rss_mb: number; heap_mb: number; advanced: unknown[] };
      return { wall, ...summary };
    });
    // The median of three runs: the first also warms the file cache.
    const median = [...runs].sort((a, b) => a.wall - b.wall)[1]!;
    rows.push({ threads: size, pass_ms: Math.round(median.wall), ms_per_1000: Math.round((median.wall / size) * 1000), max_rss_mb: median.max_rss_mb, heap_mb: median.heap_mb, advanced: median.advanced.length });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
console.log("leanos pass over a workspace where nothing is due (wall time of the whole CLI process, median of 3):");
console.table(rows);

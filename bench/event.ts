// One offline event against a bare LangGraph graph of the same shape (bench/bare-graph.mjs: six
// nodes, one interrupt, SqliteSaver, atomic file writes), each in a fresh copy of the sample
// workspace, run to its first gate. The runs are interleaved; prints the median wall time and peak
// memory (maxRSS) of each and the ratios. `npm run bench`, or alone: `npm run build && tsx bench/event.ts`
// (BENCH_ROUNDS, default 7).
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median } from "./figures.js";

const root = resolve(import.meta.dirname, "..");
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const EVENT = join("events", "01-elsaai-deal-closed.md");

async function freshWorkspace(): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), "leanos-bench-event-"));
  const source = join(root, "examples", "workspace");
  await cp(source, target, {
    recursive: true,
    filter: (path) =>
      !/[\\/](threads|\.leanos[\\/].*\.sqlite.*|\.leanos[\\/]audit\.jsonl)$/.test(path.slice(source.length)),
  });
  return target;
}

const runs = {
  "bare LangGraph graph": (workspace: string) => [join(root, "bench", "bare-graph.mjs"), workspace],
  "leanos event (offline)": (workspace: string) => [
    join(root, "bin", "leanos.js"),
    "--workspace",
    workspace,
    "--quiet",
    "--provider",
    "offline",
    "event",
    "--file",
    join(workspace, EVENT),
  ],
};
type Name = keyof typeof runs;
const measured = new Map<Name, Array<{ ms: number; rssKb: number }>>(
  Object.keys(runs).map((name) => [name as Name, []]),
);

for (let round = -1; round < rounds; round++) {
  for (const [name, args] of Object.entries(runs) as Array<[Name, (workspace: string) => string[]]>) {
    const workspace = await freshWorkspace();
    try {
      const start = process.hrtime.bigint();
      const result = spawnSync(process.execPath, ["--import", join(root, "bench", "rss.mjs"), ...args(workspace)], {
        encoding: "utf8",
      });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
      const rssKb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(result.stderr)?.[1]);
      // The first round warms the file cache and is not counted.
      if (round >= 0) measured.get(name)!.push({ ms, rssKb });
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  }
  process.stderr.write(`\r  round ${round + 1}/${rounds}`);
}
process.stderr.write("\n");

const bare = measured.get("bare LangGraph graph")!;
const bareMs = median(bare.map((run) => run.ms));
const bareRss = median(bare.map((run) => run.rssKb));
console.log(
  `One event to its first gate, median of ${rounds} interleaved runs (${new Date().toISOString().slice(0, 10)}, Node ${process.version}):`,
);
console.log("| run | median | x bare | peak memory | x bare |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, values] of measured) {
  const ms = median(values.map((run) => run.ms));
  const rss = median(values.map((run) => run.rssKb));
  console.log(
    `| ${name} | ${ms.toFixed(0)} ms | ${(ms / bareMs).toFixed(2)} | ${(rss / 1024).toFixed(0)} MB | ${(rss / bareRss).toFixed(2)} |`,
  );
}

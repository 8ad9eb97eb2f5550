// How long the CLI takes to answer a read-only command, against starting Node itself (`node -e 0`).
// A copy of the sample workspace with one event waiting at its gate is the workspace; every command
// runs once per round, the rounds interleaved so a busy moment of the machine hits all alike.
// Prints the median wall time of each and its ratio to `node -e 0`. `npm run bench`, or alone:
// `npm run build && tsx bench/startup.ts` (BENCH_ROUNDS, default 15).
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median, ratioTable } from "./figures.js";

const root = resolve(import.meta.dirname, "..");
const cli = join(root, "bin", "leanos.js");
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);

const workspace = await mkdtemp(join(tmpdir(), "leanos-bench-startup-"));
try {
  await cp(join(root, "examples", "workspace"), workspace, { recursive: true });
  const started = spawnSync(
    process.execPath,
    [
      cli,
      "--workspace",
      workspace,
      "--quiet",
      "event",
      "--file",
      join(workspace, "events", "01-elsaai-deal-closed.md"),
      "--provider",
      "offline",
    ],
    { encoding: "utf8" },
  );
  if (started.status !== 0) throw new Error(`the setup event failed: ${started.stderr}`);

  const commands: Record<string, string[]> = {
    "node -e 0": ["-e", "0"],
    "leanos --help": [cli, "--help"],
    "leanos pending": [cli, "--workspace", workspace, "pending"],
    "leanos status": [cli, "--workspace", workspace, "status"],
  };
  const times = new Map<string, number[]>(Object.keys(commands).map((name) => [name, []]));
  // One unmeasured round warms the file cache.
  for (let round = -1; round < rounds; round++) {
    for (const [name, args] of Object.entries(commands)) {
      const start = process.hrtime.bigint();
      const result = spawnSync(process.execPath, args, { encoding: "utf8" });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
      if (round >= 0) times.get(name)!.push(ms);
    }
    process.stderr.write(`\r  round ${round + 1}/${rounds}`);
  }
  process.stderr.write("\n");
  const baseline = median(times.get("node -e 0")!);
  console.log(
    `Start-up, median of ${rounds} interleaved runs (${new Date().toISOString().slice(0, 10)}, Node ${process.version}):`,
  );
  console.log(
    ratioTable(
      [...times].map(([name, runs]) => ({ name, ms: median(runs) })),
      baseline,
      "node -e 0",
    ),
  );
} finally {
  await rm(workspace, { recursive: true, force: true });
}

// How long a pass takes over a large workspace where little is due, on the thread index against
// reading every thread folder's meta.json (`pass --scan`, which reads them all and then passes).
// Each workspace has the same open work (10 threads waiting for a person, 100 scheduled for later)
// and the rest done, so a pass on the index should cost the same at 1k threads as at 100k.
// Runs the real CLI (`leanos pass --json`) three times each way and reports the medians and the
// ratio. `npm run bench`; BENCH_SIZES=10000,100000 for the large one (writing 100k folders is slow).
// Where LEANOS_TEST_DATABASE_URL names a PostgreSQL server, the same pass runs with the store there
// too (the goal: within 1.5x the pass on SQLite): `npm run bench:pass:pg` starts a throwaway
// server for it (scripts/with-postgres.sh) and runs 100k threads. BENCH_SCAN=0 skips `--scan`.
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ThreadMeta } from "../src/core/threadMeta.js";

const root = resolve(import.meta.dirname, "..");
const sizes = (process.env.BENCH_SIZES ?? "0,1000,5000,10000").split(",").map(Number);
const types = ["sales", "marketing", "business"] as const;
const OPEN_WAITING = 10;
const OPEN_SCHEDULED = 100;

function metaFor(index: number): ThreadMeta {
  const type = types[index % 3]!;
  const slug = `event-${String(index).padStart(6, "0")}`;
  const state = index < OPEN_WAITING ? "waiting" : index < OPEN_WAITING + OPEN_SCHEDULED ? "scheduled" : "done";
  const at = new Date(Date.UTC(2026, 0, 1) + (index % 300) * 86_400_000).toISOString();
  return ThreadMeta.parse({
    thread: `${type}/${slug}`,
    type,
    slug,
    title: `Event ${index}`,
    created_at: at,
    updated_at: "2026-11-25T08:00:00.000Z",
    event: {
      date: at.slice(0, 10),
      source: "bench",
      text: `Event ${index}: a customer did something worth recording, with $${index}K at stake.`,
    },
    graph: "causal-flow",
    provider: "offline",
    model: "rules-v1",
    state,
    stage: state === "done" ? "learning" : state === "scheduled" ? "actions" : "decision",
    impact: 0.5,
    pending:
      state === "waiting"
        ? [
            {
              thread: `${type}/${slug}`,
              kind: "impact",
              node: "gate_decision",
              stage: "decision",
              question: `Approve decision ${index}?`,
              impact: 0.85,
              allowed: ["accept", "edit", "respond", "reject"],
            },
          ]
        : [],
    files: ["1-input.md", "2-hypothesis.md", "3-implication.md", "4-decision.md"],
    next_due: state === "scheduled" ? "2027-06-01" : null,
    attribution_checked: true,
    current_action:
      state === "scheduled"
        ? {
            id: "act-5",
            type: "marketing:measure",
            title: "Measure",
            status: "in_progress",
            owner: "ai",
            due: "2027-06-30",
          }
        : null,
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

interface Timed {
  wall: number;
  max_rss_mb: number;
  advanced: unknown[];
}

const postgres = process.env.LEANOS_TEST_DATABASE_URL;
const scan = process.env.BENCH_SCAN !== "0";

function leanosEnv(store: "sqlite" | "postgres"): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ANTHROPIC_API_KEY: "" };
  delete env.LEANOS_DATABASE_URL;
  return store === "postgres" ? { ...env, LEANOS_DATABASE_URL: postgres, LEANOS_WORKSPACE_ID: "bench_pass" } : env;
}

function timedPass(dir: string, extra: string[], store: "sqlite" | "postgres" = "sqlite"): Timed {
  const runs = [0, 1, 2].map(() => {
    const started = process.hrtime.bigint();
    const out = execFileSync(
      process.execPath,
      [
        join(root, "bin", "leanos.js"),
        "--workspace",
        dir,
        "--json",
        "--quiet",
        "--now",
        "2026-11-26T08:00:00Z",
        "pass",
        ...extra,
      ],
      { encoding: "utf8", env: leanosEnv(store) },
    );
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    return { wall, ...(JSON.parse(out) as { max_rss_mb: number; advanced: unknown[] }) };
  });
  // The median of three runs: the first also warms the file cache.
  return [...runs].sort((a, b) => a.wall - b.wall)[1]!;
}

/** Node's own start, measured in the same run: the fixed part of a pass is weighed against it. */
function nodeAlone(): number {
  const runs = [0, 1, 2].map(() => {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, ["-e", "0"]);
    return Number(process.hrtime.bigint() - started) / 1e6;
  });
  return [...runs].sort((a, b) => a - b)[1]!;
}

const rows: Array<Record<string, number>> = [];
for (const size of sizes) {
  process.stderr.write(`writing ${size} thread folders...\n`);
  const dir = await workspaceOf(size);
  try {
    // The index is built once (as the first command on a copied workspace would), outside the timing.
    const reindex = (store: "sqlite" | "postgres") =>
      execFileSync(process.execPath, [join(root, "bin", "leanos.js"), "--workspace", dir, "--quiet", "reindex"], {
        stdio: ["ignore", "ignore", "inherit"],
        env: leanosEnv(store),
      });
    reindex("sqlite");
    const onIndex = timedPass(dir, []);
    const onFiles = scan ? timedPass(dir, ["--scan"]) : undefined;
    let onPostgres: Timed | undefined;
    if (postgres) {
      process.stderr.write(`indexing ${size} threads in PostgreSQL...\n`);
      reindex("postgres");
      onPostgres = timedPass(dir, [], "postgres");
    }
    const node = nodeAlone();
    rows.push({
      threads: size,
      index_ms: Math.round(onIndex.wall),
      node_ms: Math.round(node),
      index_to_node: Math.round((onIndex.wall / node) * 100) / 100,
      ...(onFiles
        ? {
            files_ms: Math.round(onFiles.wall),
            index_to_files: Math.round((onIndex.wall / onFiles.wall) * 100) / 100,
          }
        : {}),
      ...(onPostgres
        ? {
            postgres_ms: Math.round(onPostgres.wall),
            postgres_to_sqlite: Math.round((onPostgres.wall / onIndex.wall) * 100) / 100,
            postgres_rss_mb: onPostgres.max_rss_mb,
          }
        : {}),
      index_rss_mb: onIndex.max_rss_mb,
      ...(onFiles ? { files_rss_mb: onFiles.max_rss_mb } : {}),
      advanced: onIndex.advanced.length,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
console.log(
  `leanos pass with ${OPEN_WAITING} threads waiting and ${OPEN_SCHEDULED} scheduled, the rest done (wall time of the whole CLI process, median of 3):`,
);
console.log("  index: the pass as it runs (SQLite); files: pass --scan, which reads every meta.json first;");
console.log(
  "  postgres: the pass with the store (checkpoints, index) on PostgreSQL; node: `node -e 0`, measured beside it",
);
console.table(rows);

// How long the web inbox takes to answer GET /inbox when 2,000 threads wait (BENCH_WAITING to change
// it). The workspace is the sample company with one real thread, the closed deal drafted offline to
// its decision gate, copied (test/web/clones.ts: each copy with its own folder, checkpoints and index
// row, so its item is built from real files and a real checkpoint read), impacts spread from 0.80
// to 0.99 so the order means something. The server runs in this process (startWebServer, as the
// tests start it); each request is a real HTTP GET. Prints the first request after start, the median
// of BENCH_ROUNDS (default 7) after it, the last page, and the first page of /threads.
// `npm run bench`, or alone: `tsx bench/inbox.ts`.
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Runtime } from "../src/runtime/engine.js";
import { PAGE_SIZE } from "../src/web/paging.js";
import { startWebServer } from "../src/web/server.js";
import { copyWaitingThread } from "../test/web/clones.js";
import { median } from "./figures.js";

const root = resolve(import.meta.dirname, "..");
const waiting = Number(process.env.BENCH_WAITING ?? 2000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);

async function workspaceWith(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "leanos-bench-inbox-"));
  const source = join(root, "examples", "workspace");
  await cp(source, dir, {
    recursive: true,
    filter: (path) =>
      !/[\\/](threads|\.leanos[\\/].*\.sqlite.*|\.leanos[\\/]audit\.jsonl)$/.test(path.slice(source.length)),
  });
  const runtime = await Runtime.open({ workspace: dir, provider: "offline" });
  let thread: string;
  try {
    thread = (
      await runtime.startEvent({
        text: await readFile(join(source, "events", "01-elsaai-deal-closed.md"), "utf8"),
        date: "2026-11-18",
        source: "CRM",
      })
    ).thread;
  } finally {
    await runtime.close();
  }
  await copyWaitingThread(dir, thread, count - 1, (n) => 0.8 + ((n * 37) % 20) / 100);
  return dir;
}

async function timedGet(url: string): Promise<{ ms: number; bytes: number }> {
  const started = process.hrtime.bigint();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, bytes: body.byteLength };
}

process.stderr.write(`writing a workspace with ${waiting} waiting threads...\n`);
const dir = await workspaceWith(waiting);
const server = await startWebServer({
  runtime: { workspace: dir, provider: "offline" },
  host: "127.0.0.1",
  port: 0,
  by: "bench",
});
try {
  const url = new URL("/inbox", server.url).href;
  const first = await timedGet(url);
  const runs = [];
  for (let round = 0; round < rounds; round += 1) runs.push(await timedGet(url));
  const lastPage = Math.ceil(waiting / PAGE_SIZE);
  const last = await timedGet(new URL(`/inbox?page=${lastPage}`, server.url).href);
  const threads = await timedGet(new URL("/threads", server.url).href);
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(
    `GET /inbox with ${waiting} threads waiting, ${PAGE_SIZE} a page (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, server in this process):`,
  );
  console.log("| request | time | page |");
  console.log("|---|---:|---:|");
  console.log(`| the first after start | ${first.ms.toFixed(0)} ms | ${kb(first.bytes)} |`);
  console.log(
    `| median of the next ${rounds} | ${median(runs.map((run) => run.ms)).toFixed(0)} ms | ${kb(runs[0]!.bytes)} |`,
  );
  console.log(`| the last page (?page=${lastPage}) | ${last.ms.toFixed(0)} ms | ${kb(last.bytes)} |`);
  console.log(`| GET /threads (its first page) | ${threads.ms.toFixed(0)} ms | ${kb(threads.bytes)} |`);
} finally {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}

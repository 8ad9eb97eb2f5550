import { tmpdir } from "node:os";
import { join } from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

// The hostile-input suite: `npm test` runs one case of each category (test/hostile/one-of-each.test.ts);
// LEANOS_HOSTILE=all (`npm run test:hostile`) runs every case of every category, a file per category.
const HOSTILE_CATEGORIES = [
  "canvas-layouts",
  "configuration",
  "corrections",
  "edits",
  "environment",
  "events",
  "files",
  "names",
  "paths",
  "readers",
];
const hostileAll = process.env.LEANOS_HOSTILE === "all";
// The crash sweep runs under npm run test:crash (LEANOS_CRASH_POINTS), never in npm test.
const crashSweep = process.env.LEANOS_CRASH_POINTS === undefined ? ["test/crash/crash.test.ts"] : [];
const hostile = hostileAll
  ? ["test/hostile/one-of-each.test.ts"]
  : HOSTILE_CATEGORIES.map((category) => `test/hostile/${category}.test.ts`);

// Test files run in a process of their own only where they change what the process holds: LangGraph's
// API server (its registered graphs and storage, process.env), stubbed environment variables, and the
// browser test (sharing a process with the other web tests, its page waited in vain for elements,
// 2026-12-07). The others share their worker's process with the files before them, so the
// modules they import (LangGraph, the drafter) are loaded and compiled once per worker, not per file;
// test/setup.ts removes each file's temp folders after it.
const OWN_PROCESS = [
  "test/server/**/*.test.ts",
  "test/web/browser.test.ts",
  "test/store/migrate.test.ts",
  "test/package/**/*.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The CLI tests spawn node processes; two workers fit this 2-core machine.
    maxWorkers: 2,
    // V8 compiles each regular expression to machine code at its first use. By default it interprets
    // it first and compiles it later; in a worker that had run learning.test.ts before, the offline
    // drafter's money patterns (src/text/money.ts) then took most of the time and drafting ran 3 to 5
    // times slower (injection.test.ts: 20 s alone, 140 s after it). A long-running leanos process
    // could see the same.
    execArgv: ["--no-regexp-tier-up"],
    setupFiles: ["test/setup.ts"],
    // The CLIs the tests start keep their parse cache (src/files/parseCache.ts) here, not in ~/.cache.
    env: { LEANOS_CACHE_DIR: join(tmpdir(), "leanos-test-parse-cache") },
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...hostile, ...crashSweep, ...OWN_PROCESS],
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: "own-process", include: OWN_PROCESS, exclude: [...configDefaults.exclude, ...hostile] },
      },
    ],
  },
});

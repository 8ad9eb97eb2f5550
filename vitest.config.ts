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

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [
      ...configDefaults.exclude,
      ...(hostileAll
        ? ["test/hostile/one-of-each.test.ts"]
        : HOSTILE_CATEGORIES.map((category) => `test/hostile/${category}.test.ts`)),
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The CLI tests spawn node processes; two workers fit this 2-core machine.
    maxWorkers: 2,
  },
});

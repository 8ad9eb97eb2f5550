import { categories, type Category } from "./cases/index.js";
import type { HostileCase } from "./harness.js";
import { hostileSuite } from "./runner.js";

// The hostile-input suite as `npm test` runs it: one case of each category (two of the readers, one
// read-only and one writable), each checked as the whole table is. `npm run test:hostile`
// (LEANOS_HOSTILE=all) runs every case instead, a file per category (vitest.config.ts).

const ONE_OF_EACH: Record<Category, string[]> = {
  events: ["a binary file (PNG bytes) as --file"],
  files: ["a corrupt meta.json (approve)"],
  configuration: [".leanos/config.yaml that is not YAML"],
  environment: ["a read-only workspace (approve)"],
  paths: ["threads/sales linked out: a new sales event"],
  names: ['approve "../../etc/passwd"'],
  edits: ['at the decision gate: --edit {"__proto__":{"verdict":"DEFER"}}'],
  corrections: ["correct: a field a correction does not set"],
  readers: [
    "a read-only workspace: status works, and changes nothing",
    "a writable workspace: resume of a thread that waits leaves every byte as it was",
  ],
  canvasLayouts: ["two files claiming one role: the assumptions in both layouts"],
};

/** The named case of the category's table, its name prefixed with the category. */
function caseOf(category: Category, name: string): HostileCase {
  const found = categories[category].find((item) => item.name === name);
  if (!found) throw new Error(`test/hostile/cases: the ${category} table has no case named ${JSON.stringify(name)}`);
  return { ...found, name: `${category}: ${found.name}` };
}

hostileSuite(
  "one case of each category",
  (Object.keys(ONE_OF_EACH) as Category[]).flatMap((category) =>
    ONE_OF_EACH[category].map((name) => caseOf(category, name)),
  ),
);

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evalSets } from "../evals/sets.js";
import { repoRoot } from "./helpers.js";

// The drafter's code and rules hold nothing of any eval company: a rule that knows a company's
// names scores well on it and says nothing about the companies a user brings. A company's proper
// nouns are found in its own files: capitalised words of four letters or more that no eval text
// ever writes in lower case.

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
const textOf = (dir: string): string =>
  walk(dir)
    .filter((file) => /\.(md|ya?ml)$/.test(file) && !/[\\/](threads|\.leanos)[\\/]/.test(file))
    .map((file) => readFileSync(file, "utf8"))
    .join("\n");

/** Capitalised words that are names anywhere: months, days, languages, the canvas's own field labels, and places and firms every business text meets. */
const GENERIC = new Set(
  "January February March April June July August September October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Evidence Hypothesis Related Trend Section Pass Repeat Prepare Publish Exit Labs Google America Europe York JavaScript English".split(" "),
);

/**
 * Names of the sample (the dev set) still in the offline drafter, to be taken out with the drafter
 * rework of issue 13; the list may only shrink, and the test says when an entry can go.
 */
const KNOWN_SAMPLE_LEAKS = ["Bella", "ElsaAI", "FitMirror", "Moreau", "Nair", "Paris", "Priya"];

describe("the drafter's code and rules", () => {
  it("name no eval company's people, customers, products or places", async () => {
    const sets = await evalSets();
    const everything = sets.map((set) => textOf(set.workspace)).join("\n");
    const lowerCase = new Set(everything.match(/\b[\p{Ll}][\p{L}'-]{3,}\b/gu) ?? []);
    const code = [...walk(join(repoRoot, "src")), ...walk(join(repoRoot, "prompts", "offline"))].map((file) => readFileSync(file, "utf8")).join("\n");
    for (const set of sets) {
      const names = new Set((textOf(set.workspace).match(/\b\p{Lu}[\p{L}'-]{3,}\b/gu) ?? []).filter((word) => word !== word.toUpperCase() && !lowerCase.has(word.toLowerCase()) && !GENERIC.has(word)));
      expect(names.size, set.name).toBeGreaterThan(50);
      const found = [...names].filter((name) => new RegExp(`(?<![\\p{L}])${name}(?![\\p{L}])`, "u").test(code)).sort();
      expect({ set: set.name, found }).toEqual({ set: set.name, found: set.role === "dev" ? KNOWN_SAMPLE_LEAKS : [] });
    }
  });
});

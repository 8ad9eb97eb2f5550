import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { evalSets, type EvalSet } from "../evals/sets.js";
import { repoRoot } from "./helpers.js";

// The drafter's code and rules, and the default skills, hold nothing of any eval company: a rule or
// template that knows a company's names scores well on it and says nothing about the companies a
// user brings. A company's proper
// nouns are found in its own files: capitalised words of four letters or more that no eval text
// ever writes in lower case.

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
const textOf = (dir: string): string =>
  walk(dir)
    .filter((file) => /\.(md|ya?ml)$/.test(file) && !/[\\/](threads|\.leanos)[\\/]/.test(file))
    .map((file) => readFileSync(file, "utf8"))
    .join("\n");

/**
 * Capitalised words that are names anywhere: months, days, languages, the canvas's and goal files' own field labels,
 * places and firms every business text meets, and plain words the eval texts only happen to write
 * capitalised (a skill's table header or field label starts with them: Item, Known, Collects, Follows).
 */
const GENERIC = new Set([
  ..."January February March April June July August September October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Evidence Hypothesis Related Trend Section Pass Repeat Prepare Publish Exit Labs Google America Europe York JavaScript Sept Tues Thur Thurs English French German Italian Polish Spanish Portuguese Dutch Swedish Chinese Russian Item Known Collects Follows ICPs Whoever Execution Objective".split(
    " ",
  ),
  // The world vocabulary of prompts/offline/names.yaml and money.yaml that eval texts also write:
  // tools and channels every business uses (a CRM, a payment processor, an app store), nationalities,
  // and legal forms. Each is a word of the world, not one company's customer, product or person; a
  // word is added here only when such a list collides with an eval text, and never a customer's name.
  ..."Adobe Amplitude Apollo BigCommerce Console Gorgias HubSpot Klaviyo Metabase Microsoft Navigator Notion Outlook QuickBooks Recharge Salesforce Stripe Trustpilot WhatsApp WooCommerce YouTube Zendesk".split(
    " ",
  ),
  ..."African American Baltic Canadian Costa Estonian European Filipino Finnish Irish Japanese Latvian Maltese Nordic Norwegian South".split(
    " ",
  ),
  ..."Brothers GmbH Ventures".split(" "),
  // Countries and the words of their names, from prompts/offline/regions.yaml (the regions a value
  // function's hard constraint may name): places of the world, not one company's customers.
  ..."Australia Austria Belgium Brazil Britain Canada China Czechia Denmark Dubai England Finland France Germany Greece Hungary India Ireland Italy Japan Mexico Netherlands Norway Poland Portugal Romania Scotland Singapore Spain Sweden Switzerland Wales Zealand".split(
    " ",
  ),
]);

/** Each eval set with its company's proper nouns; `lowerCase` holds every word any eval text writes in lower case. */
async function namesBySet(): Promise<Array<{ set: EvalSet; names: Set<string> }>> {
  const sets = await evalSets();
  const everything = sets.map((set) => textOf(set.workspace)).join("\n");
  const lowerCase = new Set(everything.match(/\b[\p{Ll}][\p{L}'-]{3,}\b/gu) ?? []);
  return sets.map((set) => ({
    set,
    names: new Set(
      (textOf(set.workspace).match(/\b\p{Lu}[\p{L}'-]{3,}\b/gu) ?? []).filter(
        (word) => word !== word.toUpperCase() && !lowerCase.has(word.toLowerCase()) && !GENERIC.has(word),
      ),
    ),
  }));
}

/** The names that occur in `text` as whole words. */
const namedIn = (names: Set<string>, text: string): string[] =>
  [...names].filter((name) => new RegExp(`(?<![\\p{L}])${name}(?![\\p{L}])`, "u").test(text)).sort();

describe("the drafter's code and rules", () => {
  it("name no eval company's people, customers, products or places", async () => {
    const code = [...walk(join(repoRoot, "src")), ...walk(join(repoRoot, "prompts", "offline"))]
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    for (const { set, names } of await namesBySet()) {
      expect(names.size, set.name).toBeGreaterThan(50);
      expect({ set: set.name, found: namedIn(names, code) }).toEqual({ set: set.name, found: [] });
    }
  });
});

// The default skills are the model's instructions and the templates of every company's documents:
// a sample name there is copied into another company's drafts, so none is allowed, the dev set's included.
describe("the default skills", () => {
  it("name no eval company's people, customers, products or places, in any SKILL.md or asset", async () => {
    const files = walk(join(repoRoot, "skills")).filter((file) => file.endsWith(".md"));
    expect(files.filter((file) => file.endsWith("SKILL.md")).length).toBeGreaterThanOrEqual(12);
    expect(files.some((file) => /[\\/]assets[\\/]/.test(file))).toBe(true);
    for (const { set, names } of await namesBySet()) {
      const found = files.flatMap((file) =>
        namedIn(names, readFileSync(file, "utf8")).map((name) => `${relative(repoRoot, file)}: ${name}`),
      );
      expect({ set: set.name, found }).toEqual({ set: set.name, found: [] });
    }
  });
});

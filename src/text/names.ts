import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { toolPath } from "../files/toolRoot.js";
import { isCurrencyWord } from "./money.js";

// Which capitalised words name a party to an event (prompts/offline/names.yaml): a tool the news came
// through, a weekday, a nationality or a currency code names no customer, and a name that ends in a
// legal form ("Partners", "GmbH") is an organisation, not a person. Of the organisations an event
// names, the one that signed or bought is its customer; one that referred it comes last.

const NameRules = z.object({
  ordinary: z.array(z.string()),
  tools: z.array(z.string()),
  calendar: z.array(z.string()),
  demonyms: z.array(z.string()),
  company_forms: z.array(z.string()),
  roles: z.object({ buyer: z.array(z.string()), referrer: z.array(z.string()) }),
});

/** A role's patterns, split at the name: what comes just before it, and just after it. */
interface RolePatterns {
  before: RegExp[];
  after: RegExp[];
}

interface Compiled {
  /** Words that make a candidate no name when it starts with one. */
  opening: Set<string>;
  /** Words that name no one even together ("Ethiopian", "EUR"), lower case. */
  ordinary: Set<string>;
  tools: Set<string>;
  forms: Set<string>;
  roles: { buyer: RolePatterns; referrer: RolePatterns };
}

// Each pattern names {name} at its start or its end, so it is compiled once, as what must follow the
// name or precede it (an event names many organisations, and every stage reads them again).
function rolePatterns(patterns: readonly string[]): RolePatterns {
  const split: RolePatterns = { before: [], after: [] };
  for (const pattern of patterns) {
    if (pattern.startsWith("{name}")) split.after.push(new RegExp(`^${pattern.slice("{name}".length)}`, "iu"));
    else if (pattern.endsWith("{name}"))
      split.before.push(new RegExp(`(?:^|[^\\p{L}])${pattern.slice(0, -"{name}".length)}$`, "iu"));
    else throw new Error(`prompts/offline/names.yaml: a role pattern names {name} at its start or its end: ${pattern}`);
  }
  return split;
}

let compiled: Compiled | undefined;
const lower = (words: readonly string[]): Set<string> => new Set(words.map((word) => word.toLowerCase()));

function nameRules(): Compiled {
  if (compiled) return compiled;
  const rules = NameRules.parse(parseYaml(readFileSync(toolPath("prompts", "offline", "names.yaml"), "utf8")));
  compiled = {
    opening: new Set([...rules.ordinary, ...rules.calendar]),
    ordinary: lower([...rules.calendar, ...rules.demonyms, ...rules.ordinary]),
    tools: lower(rules.tools),
    forms: lower(rules.company_forms.map((form) => form.replace(/\.$/, ""))),
    roles: { buyer: rolePatterns(rules.roles.buyer), referrer: rolePatterns(rules.roles.referrer) },
  };
  return compiled;
}

/** True when a candidate opens with a word that opens sentences and labels as often as names ("The", "Tuesdays"). */
export function opensOrdinary(name: string): boolean {
  return nameRules().opening.has(name.split(" ")[0]!);
}

/**
 * True when no capitalised word of a candidate names anyone: each is a weekday or month, a
 * nationality, a currency code or an ordinary label ("Tuesdays", "Ethiopian coffee", "EUR ARR").
 * A demonym before a name stays a name ("Ethiopian Airlines").
 */
export function namesNoOne(name: string): boolean {
  const { ordinary } = nameRules();
  return name
    .split(/\s+/)
    .filter((word) => /^\p{Lu}/u.test(word))
    .every(
      (word) =>
        ordinary.has(word.toLowerCase()) ||
        ordinary.has(word.replace(/[’']s$/, "").toLowerCase()) ||
        isCurrencyWord(word),
    );
}

/** True for a tool or channel the event went through ("HubSpot", "DocuSign", "Shopify Plus", "Meta CPM"): the name or its first words. */
export function isTool(name: string): boolean {
  const { tools } = nameRules();
  const words = name.toLowerCase().split(/\s+/);
  return words.some((_, index) => tools.has(words.slice(0, index + 1).join(" ")));
}

/** True when a name ends in a legal form or an organisation's word ("Acme Partners", "Acme GmbH"): not a person. */
export function endsInCompanyForm(name: string): boolean {
  return nameRules().forms.has(name.split(/\s+/).at(-1)!.replace(/\.$/, "").toLowerCase());
}

// How far around a name its role is read.
const AROUND = 80;

/** True when the text names `name` (as a whole word) where the role's words come before or after it. */
function playsRole(patterns: RolePatterns, name: string, text: string): boolean {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const end = at + name.length;
    if (/\p{L}/u.test(text[at - 1] ?? "") || /\p{L}/u.test(text[end] ?? "")) continue;
    const before = text.slice(Math.max(0, at - AROUND), at);
    const after = text.slice(end, end + AROUND);
    if (
      patterns.before.some((pattern) => pattern.test(before)) ||
      patterns.after.some((pattern) => pattern.test(after))
    )
      return true;
  }
  return false;
}

/**
 * The organisations in the order a reader takes them: the party that signed or bought first (the
 * customer of a deal), then the others as the text names them, and last one that only referred or
 * introduced the customer. A name that both bought and referred is taken as the buyer.
 */
export function byRole(organizations: readonly string[], text: string): string[] {
  const { roles } = nameRules();
  const rank = (name: string): number =>
    playsRole(roles.buyer, name, text) ? 0 : playsRole(roles.referrer, name, text) ? 2 : 1;
  return organizations
    .map((name, index) => ({ name, index, rank: rank(name) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.name);
}

import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Canvas } from "../canvas/canvas.js";
import { toolPath } from "../files/toolRoot.js";
import { parseYamlFile } from "../files/parsed.js";
import { readTextSync } from "../files/readText.js";
import { WorkspaceConfig } from "../workspace/config.js";
import { frozenList, remembered } from "./remembered.js";

// Sums of money as the world writes them: an ISO code or a symbol before or after the amount, English
// or continental digit grouping, and multipliers (prompts/offline/money.yaml). Each sum keeps its own
// currency. Nothing is converted: leanos has no exchange rates, and a rate from memory would be wrong
// by the time it is read, so a sum in one currency never measures a bar or a company in another.

const Currency = z.object({
  code: z.string().regex(/^[A-Z]{3}$/),
  shown: z.string(),
  signs: z.array(z.string()).min(1),
  words: z.array(z.string()).default([]),
});
const MoneyRules = z.object({
  currencies: z.array(Currency).min(1),
  multipliers: z.array(z.object({ factor: z.number().positive(), words: z.array(z.string()).min(1) })),
});
type MoneyRules = z.infer<typeof MoneyRules>;

export interface Sum {
  /** The sum: the figure times its multiplier ("€1.2m" is 1,200,000). */
  value: number;
  /** Its ISO 4217 code. */
  currency: string;
  /** Where it starts and ends in the text, and the text itself ("27.720 EUR"). */
  index: number;
  end: number;
  text: string;
  /** The sign or word that names its currency, as written ("€", "EUR", "euros"). */
  sign: string;
}

/** The dollar when neither the settings nor the canvas name a currency. */
export const DEFAULT_CURRENCY = "USD";

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// A word matches in any case (V8 in Node 20 has no inline (?i) group, so each letter is a class).
const anyCase = (word: string): string =>
  [...word]
    .map((char) =>
      char.toLowerCase() !== char.toUpperCase() ? `[${char.toLowerCase()}${char.toUpperCase()}]` : escape(char),
    )
    .join("");
const longestFirst = (items: Iterable<string>): string[] => [...new Set(items)].sort((a, b) => b.length - a.length);
// A sign that is letters ("EUR", "kr") must not be part of a longer word ("EURO", "kraft"). After an
// amount it may touch the figure or its multiplier ("27EUR", "5 MEUR"), so only its end is bounded.
const bounded = (sign: string, pattern: string, start = true): string =>
  (start && /^\p{L}/u.test(sign) ? `(?<![\\p{L}\\p{N}])` : "") + pattern + (/\p{L}$/u.test(sign) ? `(?![\\p{L}])` : "");

interface Compiled {
  rules: MoneyRules;
  /** Every sign and word (as written, words in lower case) -> the codes it may mean, in file order. */
  meanings: Map<string, string[]>;
  factors: Map<string, number>;
  before: RegExp;
  after: RegExp;
  /** The regex source of any sign, for the bar rules' "from €300 to €333". */
  signSource: string;
  codes: Set<string>;
}

let compiled: Compiled | undefined;

function moneyRules(): Compiled {
  if (compiled) return compiled;
  const rules = MoneyRules.parse(parseYaml(readFileSync(toolPath("prompts", "offline", "money.yaml"), "utf8")));
  const meanings = new Map<string, string[]>();
  const mean = (key: string, code: string): void => {
    const codes = meanings.get(key) ?? [];
    if (!codes.includes(code)) codes.push(code);
    meanings.set(key, codes);
  };
  for (const currency of rules.currencies) {
    for (const sign of currency.signs) mean(sign, currency.code);
    for (const word of currency.words) mean(word.toLowerCase(), currency.code);
  }
  const factors = new Map(
    rules.multipliers.flatMap((multiplier) => multiplier.words.map((word) => [word, multiplier.factor] as const)),
  );
  const allSigns = longestFirst(rules.currencies.flatMap((currency) => currency.signs));
  const signs = allSigns.map((sign) => bounded(sign, escape(sign)));
  const signsAfter = allSigns.map((sign) => bounded(sign, escape(sign), false));
  const words = longestFirst(rules.currencies.flatMap((currency) => currency.words)).map((word) =>
    bounded(word, anyCase(word), false),
  );
  const codes = new Set(rules.currencies.map((currency) => currency.code));
  const space = "[ \\u00a0\\u202f]";
  // Grouped in threes by a comma, a dot, a space or an apostrophe (27,720 / 27.720 / 27 720 / 27'720),
  // with decimals after the other mark (27.720,50 / 27,720.50); in lakhs (2,50,000); or plain
  // (27720, 27,5, 0.004).
  const amount = `(?<amount>\\d{1,2}(?:,\\d{2})+,\\d{3}(?:\\.\\d+)?(?!\\d)|\\d{1,3}(?:[,.'’\\u00a0\\u202f ]\\d{3})+(?:[.,]\\d+)?(?!\\d)|\\d+(?:[.,]\\d+)?)(?:[.,][-–]{1,2})?`;
  // A multiplier is a whole word, or runs straight into a code ("5 MEUR", "20 kEUR").
  const multiplier = `(?:${space}?(?<multiplier>${longestFirst(factors.keys()).map(escape).join("|")})(?=[^\\p{L}\\p{N}]|$|${[...codes].join("|")}))?`;
  const signSource = `(?:${signs.join("|")})`;
  compiled = {
    rules,
    meanings,
    factors,
    before: new RegExp(`(?<sign>${signs.join("|")})${space}?${amount}${multiplier}`, "dgu"),
    after: new RegExp(
      `(?<![\\d.,'’])${amount}${multiplier}${space}?(?<sign>${[...signsAfter, ...words].join("|")})`,
      "dgu",
    ),
    signSource,
    codes,
  };
  return compiled;
}

/** The regex source that matches any currency sign (for rules that read the words around a sum). */
export function currencySignSource(): string {
  return moneyRules().signSource;
}

/**
 * The figure a written amount stands for. Spaces and apostrophes only group digits. With both a
 * comma and a dot, the last is the decimal mark. With one of them: used twice or more, it groups;
 * used once with exactly three digits after it, it groups too ("27.720", "27,720"), unless the
 * amount starts with 0 ("0.004") or a multiplier follows a dot ("1.250M" is English for 1.25
 * million). Otherwise it is the decimal mark ("27,5", "1.2").
 */
export function parseAmount(written: string, multiplied = false): number {
  const digits = written.replace(/[.,][-–]+$/, "");
  const spaced = /['’\u00a0\u202f ]/.test(digits);
  const plain = digits.replace(/['’\u00a0\u202f ]/g, "");
  const marks = plain.replace(/\d/g, "");
  if (marks.length === 0) return Number(plain);
  const last = marks.at(-1)!;
  const decimal = (mark: string): number =>
    Number(
      plain
        .split(mark === "," ? "." : ",")
        .join("")
        .replace(mark, "."),
    );
  if (marks.includes(",") && marks.includes(".")) return decimal(last);
  if (marks.length > 1) return Number(plain.split(last).join(""));
  if (spaced) return decimal(last);
  const [whole, fraction] = plain.split(last) as [string, string];
  const groups = fraction.length === 3 && !/^0+$/.test(whole) && !(multiplied && last === ".");
  return groups ? Number(`${whole}${fraction}`) : decimal(last);
}

/** The code a sign names: the home currency when the sign may mean it ("$" in a CAD workspace), else the first listed. */
function codeOf(sign: string, home: string): string | undefined {
  const { meanings } = moneyRules();
  const codes = meanings.get(sign) ?? meanings.get(sign.toLowerCase());
  if (!codes) return undefined;
  return codes.includes(home) ? home : codes[0];
}

// A reading is a likely sum when it has a multiplier or grouping marks and is not a year.
const likelihood = (amount: string, multiplier: string | undefined): number =>
  (multiplier ? 2 : 0) + (/[.,'’ \u00a0\u202f]/.test(amount) ? 1 : 0) - (/^(19|20)\d\d$/.test(amount) ? 2 : 0);

/**
 * Every sum of money in a text, in text order, with its currency. A sign between two numbers
 * ("2026 EUR 5,000", "27.720 EUR 3-year term") goes with the number that reads more like a sum;
 * on a tie, with the one after it, as codes and symbols are mostly written first, unless that
 * number has a sign of its own after it ("300 EUR, 400 EUR").
 */
export function amountsIn(text: string, home: string = DEFAULT_CURRENCY): Sum[] {
  return sumsOf(`${home}\u0000${text}`);
}

// Each stage reads the same event's sums again.
const sumsOf = remembered(64, (key) => {
  const split = key.indexOf("\u0000");
  return frozenList(readSums(key.slice(split + 1), key.slice(0, split)));
});

function readSums(text: string, home: string): Sum[] {
  const { before, after, factors } = moneyRules();
  const candidates: Array<Sum & { score: number; amountAt: number; written: "before" | "after" }> = [];
  for (const [pattern, written] of [
    [before, "before"],
    [after, "after"],
  ] as const) {
    for (const match of text.matchAll(pattern)) {
      const groups = match.groups!;
      const currency = codeOf(groups.sign!, home);
      if (!currency) continue;
      const multiplier = groups.multiplier;
      // "3-year", "2-for-1": a number joined to a word by a hyphen is not a sum.
      if (written === "before" && !multiplier && /^-\p{L}/u.test(text.slice(match.index + match[0].length))) continue;
      const value = parseAmount(groups.amount!, multiplier !== undefined) * (multiplier ? factors.get(multiplier)! : 1);
      if (!Number.isFinite(value)) continue;
      const amountAt = match.indices!.groups!.amount![0];
      const score = likelihood(groups.amount!, multiplier) + (written === "before" ? 0.5 : 0);
      candidates.push({
        value,
        currency,
        index: match.index,
        end: match.index + match[0].length,
        text: match[0],
        sign: groups.sign!,
        score,
        amountAt,
        written,
      });
    }
  }
  for (const candidate of candidates) {
    if (
      candidate.written === "before" &&
      candidates.some((other) => other.written === "after" && other.amountAt === candidate.amountAt)
    )
      candidate.score -= 1;
  }
  const chosen: Sum[] = [];
  for (const candidate of candidates.sort((a, b) => b.score - a.score || a.index - b.index)) {
    if (chosen.some((taken) => candidate.index < taken.end && candidate.end > taken.index)) continue;
    const { score: _score, amountAt: _at, written: _written, ...amount } = candidate;
    chosen.push(amount);
  }
  return chosen.sort((a, b) => a.index - b.index);
}

/**
 * A sum as leanos writes it in its currency: "€27,720", "CHF 1,100,000"; `compact` the way a metrics
 * table does ("$4.76M", "€950K", as canvas/metrics.ts formatMoney writes dollars).
 */
export function showAmount(value: number, currency: string, compact = false): string {
  const shown = moneyRules().rules.currencies.find((entry) => entry.code === currency)?.shown ?? `${currency} `;
  const figure = !compact
    ? value.toLocaleString("en-US", { maximumFractionDigits: 2 })
    : value >= 1e6
      ? `${(value / 1e6).toFixed(2).replace(/\.?0+$/, "")}M`
      : value >= 1e3
        ? `${Math.round(value / 1e3)}K`
        : `${Math.round(value)}`;
  return `${shown}${figure}`;
}

/** True for a word that names a currency ("eur", "euros", "usd"): it says nothing of what a sum is for. */
export function isCurrencyWord(word: string): boolean {
  const { meanings, codes } = moneyRules();
  return codes.has(word.toUpperCase()) || meanings.has(word.toLowerCase()) || meanings.has(word);
}

/**
 * The currency a canvas writes most. Sums in an ambiguous sign ("$") count for the meaning the
 * canvas writes unambiguously more often (a canvas that says "CAD" elsewhere means CAD by its "$"),
 * or for the sign's first meaning.
 */
export function dominantCurrency(text: string): string | undefined {
  const { meanings } = moneyRules();
  const counts = new Map<string, number>();
  const ambiguous: string[][] = [];
  const count = (code: string): void => void counts.set(code, (counts.get(code) ?? 0) + 1);
  // Read once with a home no sign names, so each sign keeps all its meanings.
  for (const amount of amountsIn(text, "")) {
    const codes = meanings.get(amount.sign) ?? meanings.get(amount.sign.toLowerCase()) ?? [amount.currency];
    if (codes.length > 1) ambiguous.push(codes);
    else count(codes[0]!);
  }
  for (const codes of ambiguous) count([...codes].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0))[0]!);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

// Read once per canvas (and again when the settings file changes): every stage asks.
const homes = new WeakMap<Canvas, { signature: string; currency: string }>();

/**
 * The workspace's currency: `currency` in .leanos/config.yaml, else the one its canvas writes most,
 * else USD. The workspace is the canvas folder's grandparent (strategy/canvas/).
 */
export function workspaceCurrency(canvas: Canvas): string {
  const root = dirname(dirname(canvas.dir));
  const settings = join(root, ".leanos", "config.yaml");
  const signature = existsSync(settings) ? String(statSync(settings).mtimeMs) : "none";
  const known = homes.get(canvas);
  if (known?.signature === signature) return known.currency;
  const configured =
    signature === "none"
      ? undefined
      : WorkspaceConfig.safeParse(parseYamlFile(".leanos/config.yaml", readTextSync(root, settings)) ?? {}).data
          ?.currency;
  const currency =
    configured ??
    dominantCurrency([...canvas.sections.values()].map((section) => section.text).join("\n")) ??
    DEFAULT_CURRENCY;
  homes.set(canvas, { signature, currency });
  return currency;
}

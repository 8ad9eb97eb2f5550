// English only: the drafter reads English, and loading every locale took 0.4 s.
import * as chrono from "chrono-node/en";
import nlp from "compromise";
import type { z } from "zod";
import type { Fact } from "../../stages/schemas.js";

type FactT = z.infer<typeof Fact>;

const MULTIPLIERS: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mm: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9 };
const MONEY = /([$€£])\s?(\d[\d,]*(?:\.\d+)?)\s?(k|m|mm|b|bn|thousand|million|billion)?\b/gi;
const PERCENT = /(\d+(?:\.\d+)?)\s?%/g;
const DURATION = /\b(\d+)[- ]?(day|week|month|year)s?\b/gi;
const COUNT = /\b(\d[\d,]*(?:\.\d+)?)\s+([a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)/gi;

function toNumber(text: string): number {
  return Number(text.replace(/,/g, ""));
}

/** Numbers, money, percentages, durations and dates found in the text, each with its own words. */
export function extractFacts(text: string, reference: Date): FactT[] {
  const facts: FactT[] = [];
  const taken: Array<[number, number]> = [];
  const claim = (start: number, end: number): boolean => {
    if (taken.some(([from, to]) => start < to && end > from)) return false;
    taken.push([start, end]);
    return true;
  };
  for (const match of text.matchAll(MONEY)) {
    const value = toNumber(match[2]!) * (MULTIPLIERS[(match[3] ?? "").toLowerCase()] ?? 1);
    const tail = /^\s*(ARR|MRR|ACV|pipeline|per (?:month|year|session))?/i.exec(text.slice(match.index! + match[0].length))?.[0] ?? "";
    if (claim(match.index!, match.index! + match[0].length)) facts.push({ kind: "money", text: `${match[0]}${tail}`.trim(), value });
  }
  for (const result of chrono.parse(text, reference)) {
    if (!result.start.isCertain("day") && !result.start.isCertain("month")) continue;
    if (!claim(result.index, result.index + result.text.length)) continue;
    facts.push({ kind: "date", text: result.text });
  }
  for (const match of text.matchAll(PERCENT)) {
    const after = (/^(?:[^,;:()\n.]|\.(?=\d)){0,40}/.exec(text.slice(match.index! + match[0].length))?.[0] ?? "").trim();
    if (claim(match.index!, match.index! + match[0].length)) facts.push({ kind: "percent", text: `${match[0]} ${after}`.trim(), value: Number(match[1]) });
  }
  for (const match of text.matchAll(DURATION)) {
    if (claim(match.index!, match.index! + match[0].length)) facts.push({ kind: "duration", text: match[0], value: Number(match[1]) });
  }
  for (const match of text.matchAll(COUNT)) {
    const end = match.index! + match[1]!.length;
    if (/^\d{4}$/.test(match[1]!) && Number(match[1]) > 1900 && Number(match[1]) < 2100) continue;
    if (claim(match.index!, end)) facts.push({ kind: "number", text: match[0], value: toNumber(match[1]!) });
  }
  // The same words twice (a figure repeated in the text) are one fact.
  return facts.filter((fact, index) => facts.findIndex((other) => other.kind === fact.kind && other.text === fact.text) === index);
}

const NOT_NAMES = new Set(
  "The This That These Those Our We Their They Our It Its Note Source Date Today Yesterday Tomorrow Signed Contract Pilot Deal Deals Result Results Customer Customers Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October November December Q1 Q2 Q3 Q4 AI ARR MRR ACV SDK DTC SMB CEO COO CTO CFO CMO VP API SEO UTM ICP KPI ROI B2B B2C Head Shopify LinkedIn Google".split(
    " ",
  ),
);

function clean(name: string): string {
  return name
    .split("(")[0]!
    .replace(/^[-*\s]+/, "")
    .replace(/[’']s$/, "")
    .replace(/[^\p{L}\p{N}&.\- ]/gu, "")
    .replace(/[.\-]+$/, "")
    .trim();
}

const TITLE_WORDS = /\b(Chief|Head|VP|Vice|President|Director|Manager|Officer|Founder|Lead|CEO|COO|CTO|CFO|CMO|CDO|Buyer|Engineer)\b/;
const PERSON_NAME = "\\p{Lu}\\p{Ll}+(?: \\p{Lu}\\p{Ll}+){1,2}";

/** People and organisations named in the text (organisations exclude the company itself). */
export function extractNames(text: string, ownCompany?: string): { people: string[]; organizations: string[] } {
  const doc = nlp(text);
  const isName = (name: string): boolean => name.includes(" ") && name.split(" ").every((word) => /^\p{Lu}/u.test(word));
  const people = new Set((doc.people().out("array") as string[]).map(clean).filter(isName));
  // Names compromise does not know: "Firstname Lastname (Job title" or "by Firstname Lastname".
  for (const match of text.matchAll(new RegExp(`(${PERSON_NAME}) \\((?=[^)]*${TITLE_WORDS.source})`, "gu"))) people.add(clean(match[1]!));
  for (const match of text.matchAll(new RegExp(`\\b(?:by|Champion:|[Cc]ontact:?)\\s+(${PERSON_NAME})\\b`, "gu"))) {
    if (!TITLE_WORDS.test(match[1]!)) people.add(clean(match[1]!));
  }
  // A name listed next to a known person is a person too ("Bella Moreau, Priya Nair").
  for (const match of text.matchAll(new RegExp(`(${PERSON_NAME}),\\s+(${PERSON_NAME})`, "gu"))) {
    if (people.has(clean(match[1]!))) people.add(clean(match[2]!));
    if (people.has(clean(match[2]!))) people.add(clean(match[1]!));
  }
  const places = new Set((doc.places().out("array") as string[]).flatMap((place) => clean(place).split(/,?\s+/)));
  const personWords = new Set([...people].flatMap((person) => person.split(" ")));
  const candidates: string[] = [];
  // CamelCase and brand-like words (ElsaAI, FitMirror) are names wherever they stand.
  for (const match of text.matchAll(/\b[A-Z][a-z]+[A-Z][A-Za-z]*\b/g)) candidates.push(match[0]);
  // Capitalised runs not at the start of a sentence.
  for (const match of text.matchAll(/(?<=[a-z0-9,;(] )((?:[A-Z][\p{L}&]+)(?: (?:[A-Z][\p{L}&]+|de|du|la|of))*(?: [A-Z][\p{L}&]+)?)/gu)) candidates.push(match[1]!);
  // A capitalised word opening a sentence, when an action verb follows it.
  for (const match of text.matchAll(/(?:^|[.!?:]\s+|\n[-*]?\s*)((?:[A-Z][\p{L}&]+)(?: [A-Z][\p{L}&]+)*)(?=[’']s\b| (?:deal|chose|signed|launched|launches|asked|requested|reported|closed|lost|pilot|team|is|has|wants|went|says|said|reports|wrote|emailed))/gmu)) candidates.push(match[1]!);
  for (const org of doc.organizations().out("array") as string[]) candidates.push(org);
  const organizations: string[] = [];
  for (const raw of candidates) {
    const name = clean(raw);
    const words = name.split(" ");
    if (name.length < 3 || NOT_NAMES.has(words[0]!) || TITLE_WORDS.test(name) || /^[A-Z]{2,}s?$/.test(name)) continue;
    // "Lost deal", "Free tier": an ordinary word capitalised, not a name.
    if (!/[a-z][A-Z]/.test(words[0]!) && nlp(words[0]!).has("(#Verb|#Adjective|#Adverb|#Determiner|#Preposition|#Value|#Copula|#Pronoun|#Conjunction)")) continue;
    if (words.every((word) => personWords.has(word) || places.has(word))) continue;
    if (ownCompany && name.toLowerCase() === ownCompany.toLowerCase()) continue;
    if (!organizations.some((known) => known === name || known.startsWith(`${name} `))) {
      const shorter = organizations.findIndex((known) => name.startsWith(`${known} `));
      if (shorter >= 0) organizations.splice(shorter, 1, name);
      else organizations.push(name);
    }
  }
  // In order of first mention: the headline's company comes first.
  const position = (name: string): number => {
    const at = text.indexOf(name);
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  return { people: [...people].filter(isName), organizations: organizations.sort((a, b) => position(a) - position(b)) };
}

/**
 * The event's headline: its first sentence, or the part before a colon when that part already
 * names the event in three words or more ("ElsaAI deal closed: $1.1M ARR").
 */
export function headline(text: string): string {
  const first = text.split(/\r?\n/).map((line) => line.replace(/^#+\s*/, "").trim()).find((line) => line.length > 0) ?? "event";
  const sentence = first.split(/(?<!\d)\.(?:\s|$)|;\s/)[0]!.trim();
  const beforeColon = sentence.split(/:\s|\s[—–]\s/)[0]!.trim();
  const chosen = beforeColon.split(/\s+/).length >= 3 ? beforeColon : sentence.split(/,\s/)[0]!.trim();
  let title = (chosen.length >= 3 ? chosen : first).split(/\s\(/)[0]!.trim();
  const beforeComma = title.split(/,\s/)[0]!;
  if (beforeComma !== title && beforeComma.split(/\s+/).length >= 3) title = beforeComma;
  // A long first sentence is cut at the last whole word within 60 characters.
  if (title.length > 60) title = title.slice(0, 61).replace(/\s+\S*$/, "").replace(/[,;:]$/, "");
  return title;
}

/** Sentences of the text, without markdown headings. */
export function sentences(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => !/^#/.test(line.trim()))
    .join(" ")
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"$])/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

// First: how V8 compiles the patterns of the modules below (regexTiering.ts says why).
import "./regexTiering.js";
// English only: the drafter reads English, and loading every locale took 0.4 s.
import * as chrono from "chrono-node/en";
import { nlp } from "./nlp.js";
import type { z } from "zod";
import type { Fact } from "../core/stageSchemas.js";
import { frozenList, remembered } from "./remembered.js";
import { amountsIn } from "./money.js";
import { byRole, endsInCompanyForm, isTool, namesNoOne, opensOrdinary } from "./names.js";
import { countPhrase, percentPhrase } from "./phrases.js";

type FactT = z.infer<typeof Fact>;

// Money, percentages and counts are read by patterns rather than compromise's money(), percentages()
// and numbers(): tried on the sample's events (2026-11-28), compromise read "$1.1M" as 1.1, missed
// "$46K/year", and joined "€84,000 and $2.5 million, 1,200" into one number, 2,501,200. Money is
// read in every currency and digit grouping (money.ts).
export const PERCENT = /(\d+(?:\.\d+)?)\s?%/g;
const DURATION = /\b(\d+)[- ]?(day|week|month|year)s?\b/gi;
// A count is a number with a word after it (its unit is read by countPhrase); "9, organic" is not one.
const COUNT = /(?<![\p{L}\p{N}.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?=\s+[\p{L}])/gu;
// The sum's unit after it: what it recurs as, or what it is per ("€6.90 a litre", "$392 per demo").
const MONEY_UNIT =
  /^\s*(ARR|MRR|ACV|TCV|pipeline|per \p{L}+|an? (?!(?:ago|later|earlier|before|after)\b)\p{L}+|\/\s?\p{L}+)?/iu;

function toNumber(text: string): number {
  return Number(text.replace(/,/g, ""));
}

/** Numbers, money, percentages, durations and dates found in the text, each with its own words. */
export function extractFacts(text: string, reference: Date): FactT[] {
  return factsOf(`${reference.toISOString()}\u0000${text}`);
}

// The input stage reads the event's facts, and the implication and hypothesis stages read them again.
const factsOf = remembered(32, (key) => {
  const split = key.indexOf("\u0000");
  return frozenList(readFacts(key.slice(split + 1), new Date(key.slice(0, split))));
});

function readFacts(text: string, reference: Date): FactT[] {
  const facts: FactT[] = [];
  const taken: Array<[number, number]> = [];
  const claim = (start: number, end: number): boolean => {
    if (taken.some(([from, to]) => start < to && end > from)) return false;
    taken.push([start, end]);
    return true;
  };
  for (const amount of amountsIn(text)) {
    // The sum's unit: its currency is in its own text; what it is per follows it.
    const tail = MONEY_UNIT.exec(text.slice(amount.end))?.[0] ?? "";
    if (claim(amount.index, amount.end))
      facts.push({ kind: "money", text: `${amount.text}${tail}`.trim(), value: amount.value });
  }
  for (const result of chrono.parse(text, reference)) {
    if (!result.start.isCertain("day") && !result.start.isCertain("month")) continue;
    if (!claim(result.index, result.index + result.text.length)) continue;
    facts.push({ kind: "date", text: result.text });
  }
  for (const match of text.matchAll(PERCENT)) {
    const end = match.index + match[0].length;
    if (claim(match.index, end))
      facts.push({ kind: "percent", text: percentPhrase(text, match.index, end), value: Number(match[1]) });
  }
  for (const match of text.matchAll(DURATION)) {
    if (claim(match.index!, match.index! + match[0].length))
      facts.push({ kind: "duration", text: match[0], value: Number(match[1]) });
  }
  // A number inside another count's phrase ("the 10" of "7 of the 10 stores") is part of that fact.
  let phraseEnd = 0;
  for (const match of text.matchAll(COUNT)) {
    const end = match.index + match[1]!.length;
    if (match.index < phraseEnd || (/^\d{4}$/.test(match[1]!) && Number(match[1]) > 1900 && Number(match[1]) < 2100))
      continue;
    if (!claim(match.index, end)) continue;
    const phrase = countPhrase(text, match.index, end);
    phraseEnd = phrase.end;
    facts.push({ kind: "number", text: phrase.text, value: toNumber(match[1]!) });
  }
  // The same words twice (a figure repeated in the text) are one fact.
  return facts.filter(
    (fact, index) => facts.findIndex((other) => other.kind === fact.kind && other.text === fact.text) === index,
  );
}

function clean(name: string): string {
  return name
    .split("(")[0]!
    .replace(/^[-*\s]+/, "")
    .replace(/[’']s$/, "")
    .replace(/[^\p{L}\p{N}&.\- ]/gu, "")
    .replace(/[.-]+$/, "")
    .trim();
}

const TITLE_WORDS =
  /\b(Chief|Head|VP|Vice|President|Director|Manager|Officer|Founder|Co-founder|Owner|Partner|Lead|CEO|COO|CTO|CFO|CMO|CDO|Buyer|Engineer)\b/;
// A title word in a job title may be written in lower case ("Ana Ruiz, founder").
const ANY_CASE_TITLE = `\\b(?:${TITLE_WORDS.source
  .slice(4, -3)
  .split("|")
  .map((word) => `[${word[0]}${word[0]!.toLowerCase()}]${word.slice(1)}`)
  .join("|")})\\b`;
const PERSON_NAME = "\\p{Lu}\\p{Ll}+(?: \\p{Lu}\\p{Ll}+){1,2}";

// Classify and input read the names of the same text: the last few answers are kept.
const namesOf = remembered(16, (key) => {
  const [ownCompany, ...rest] = key.split("\n");
  return readNames(rest.join("\n"), ownCompany || undefined);
});

/** People and organisations named in the text (organisations exclude the company itself). */
export function extractNames(text: string, ownCompany?: string): { people: string[]; organizations: string[] } {
  const names = namesOf(`${(ownCompany ?? "").replace(/\n/g, " ")}\n${text}`);
  return { people: [...names.people], organizations: [...names.organizations] };
}

const isName = (name: string): boolean => name.includes(" ") && name.split(" ").every((word) => /^\p{Lu}/u.test(word));

function readNames(text: string, ownCompany?: string): { people: string[]; organizations: string[] } {
  const doc = nlp(text);
  const { people, firms } = readPeople(doc, text);
  const organizations = readOrganizations(doc, text, people, firms, ownCompany);
  // In order of first mention: the headline's company comes first.
  const position = (name: string): number => {
    const at = text.indexOf(name);
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  return {
    people: [...people].filter(isName),
    organizations: byRole(
      organizations.sort((a, b) => position(a) - position(b)),
      text,
    ),
  };
}

type Doc = ReturnType<typeof nlp>;

/** The people named in the text, and the names read as people's that end in a legal form (firms). */
function readPeople(doc: Doc, text: string): { people: Set<string>; firms: string[] } {
  const people = new Set((doc.people().out("array") as string[]).map(clean).filter(isName));
  // Names compromise does not know, by the job title beside them ("Firstname Lastname (Job title",
  // "Firstname Lastname, job title") or by who did something ("signed by Firstname Lastname").
  const titled = new RegExp(`(${PERSON_NAME})(?: \\(|, )(?=(?:[\\p{L}&-]+ ){0,3}?${ANY_CASE_TITLE})`, "gu");
  for (const match of text.matchAll(titled)) if (!TITLE_WORDS.test(match[1]!)) people.add(clean(match[1]!));
  for (const match of text.matchAll(new RegExp(`\\bby\\s+(${PERSON_NAME})\\b`, "gu"))) {
    if (!TITLE_WORDS.test(match[1]!)) people.add(clean(match[1]!));
  }
  // A name listed next to a known person is a person too ("Firstname Lastname, Otherfirst Otherlast").
  for (const match of text.matchAll(new RegExp(`(${PERSON_NAME}),\\s+(${PERSON_NAME})`, "gu"))) {
    if (people.has(clean(match[1]!))) people.add(clean(match[2]!));
    if (people.has(clean(match[2]!))) people.add(clean(match[1]!));
  }
  // "Referred by Acme Partners": a name that ends in a legal form is an organisation, whoever it did something for.
  const firms = [...people].filter(endsInCompanyForm);
  for (const firm of firms) people.delete(firm);
  return { people, firms };
}

/** The organisations named in the text, but the company itself and words that are people's or places' names. */
function readOrganizations(
  doc: Doc,
  text: string,
  people: ReadonlySet<string>,
  firms: readonly string[],
  ownCompany?: string,
): string[] {
  const places = new Set((doc.places().out("array") as string[]).flatMap((place) => clean(place).split(/,?\s+/)));
  // Speakers in a chat export ("**Name**: ...") and @-mentions are people, though only their first
  // name is written. (A plain "Word: ..." line is as often an organisation described in a list.)
  const firstNames = new Set(
    [...text.matchAll(/^[ \t]*\*\*@?(\p{Lu}\p{Ll}+)\*\*[ \t]*:/gmu), ...text.matchAll(/@(\p{Lu}\p{Ll}+)\b/gu)].map(
      (match) => match[1]!,
    ),
  );
  const personWords = new Set([...[...people].flatMap((person) => person.split(" ")), ...firstNames]);
  const organizations: string[] = [];
  for (const raw of organizationCandidates(doc, text, firms)) {
    const name = clean(raw);
    const words = name.split(" ");
    if (name.length < 3 || opensOrdinary(name) || TITLE_WORDS.test(name) || /^[A-Z]{2,}s?$/.test(name)) continue;
    // A weekday, a nationality or a currency code names no one ("Tuesdays", "Ethiopian coffee", "EUR
    // ARR"), and a tool or channel only carried the news ("closed won in HubSpot").
    if (namesNoOne(name) || isTool(name)) continue;
    // "Lost deal", "Free tier": an ordinary word capitalised, not a name.
    if (
      !/[a-z][A-Z]/.test(words[0]!) &&
      nlp(words[0]!).has("(#Verb|#Adjective|#Adverb|#Determiner|#Preposition|#Value|#Copula|#Pronoun|#Conjunction)")
    )
      continue;
    if (words.every((word) => personWords.has(word) || places.has(word))) continue;
    if (ownCompany && name.toLowerCase() === ownCompany.toLowerCase()) continue;
    // One organisation named in full and in part ("Acme Bakery", "Acme") is one.
    const partOf = (part: string, whole: string): boolean => whole.startsWith(`${part} `) || whole.endsWith(` ${part}`);
    if (!organizations.some((known) => known === name || partOf(name, known))) {
      const shorter = organizations.findIndex((known) => partOf(known, name));
      if (shorter >= 0) organizations.splice(shorter, 1, name);
      else organizations.push(name);
    }
  }
  return organizations;
}

/** Words that may name an organisation, before they are weeded: by their shape, their place, or compromise's reading. */
function organizationCandidates(doc: Doc, text: string, firms: readonly string[]): string[] {
  const candidates: string[] = [];
  // CamelCase and brand-like words (a product or company written as one word with inner capitals) are names wherever they stand.
  for (const match of text.matchAll(/\b[A-Z][a-z]+[A-Z][A-Za-z]*\b/g)) candidates.push(match[0]);
  // Capitalised runs not at the start of a sentence.
  for (const match of text.matchAll(
    /(?<=[a-z0-9,;(] )((?:[A-Z][\p{L}&]+)(?: (?:[A-Z][\p{L}&]+|de|du|la|of))*(?: [A-Z][\p{L}&]+)?)/gu,
  ))
    candidates.push(match[1]!);
  // A capitalised word opening a sentence, when an action verb follows it (a buyer's among them: renewed, bought, ordered).
  for (const match of text.matchAll(
    /(?:^|[.!?:]\s+|\n[-*]?\s*)((?:[A-Z][\p{L}&]+)(?: [A-Z][\p{L}&]+)*)(?=[’']s\b| (?:deal|chose|signed|countersigned|renewed|bought|ordered|purchased|upgraded|launched|launches|asked|requested|reported|closed|lost|pilot|team|is|has|wants|went|says|said|reports|wrote|emailed))/gmu,
  ))
    candidates.push(match[1]!);
  for (const org of doc.organizations().out("array") as string[]) candidates.push(org);
  candidates.push(...firms);
  return candidates;
}

/**
 * The event's headline: its first sentence, or the part before a colon when that part already
 * names the event in three words or more ("Acme deal closed: $40K ARR").
 */
export function headline(text: string): string {
  const first =
    text
      .split(/\r?\n/)
      .map((line) => line.replace(/^#+\s*/, "").trim())
      .find((line) => line.length > 0) ?? "event";
  const sentence = first.split(/(?<!\d)\.(?:\s|$)|;\s/)[0]!.trim();
  const beforeColon = sentence.split(/:\s|\s[—–]\s/)[0]!.trim();
  const chosen = beforeColon.split(/\s+/).length >= 3 ? beforeColon : sentence.split(/,\s/)[0]!.trim();
  let title = (chosen.length >= 3 ? chosen : first).split(/\s\(/)[0]!.trim();
  const beforeComma = title.split(/,\s/)[0]!;
  if (beforeComma !== title && beforeComma.split(/\s+/).length >= 3) title = beforeComma;
  // A long first sentence is cut at the last whole word within 60 characters.
  if (title.length > 60)
    title = title
      .slice(0, 61)
      .replace(/\s+\S*$/, "")
      .replace(/[,;:]$/, "");
  return title;
}

/**
 * Sentences of the text, without markdown headings. A line break ends a sentence when the line is
 * a list item or table row, when the next one is, or when the line ends in punctuation: notes and
 * CRM exports put one fact per line with no full stop. A wrapped line of prose (the next starts in
 * lower case) stays in its sentence.
 */
export function sentences(text: string): string[] {
  const units: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith("#") || /^\|?[\s:|-]+\|?$/.test(line)) {
      units.push("");
      continue;
    }
    const item = /^([-*+•]|\d+[.)])\s|^\|/.test(line);
    const previous = units.at(-1);
    if (previous && !item && /^\p{Ll}/u.test(line) && !/[.!?:]$/.test(previous))
      units[units.length - 1] = `${previous} ${line}`;
    else units.push(line.replace(/^([-*+•]|\d+[.)])\s+/, ""));
  }
  return units
    .flatMap((unit) => unit.split(/(?<=[.!?])\s+(?=[\p{Lu}0-9"$€£])|(?<=[。！？])\s*/u))
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

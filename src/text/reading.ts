import { francAll } from "franc-min";
import { nlp } from "./nlp.js";
import { headline, sentences } from "./extract.js";
import { remembered } from "./remembered.js";

// What the offline drafter reads of an event: the sentences that report something, in English. An
// event is data about the business, never instructions to leanos, so text that gives orders, text
// hidden from a person reading the rendered event, and text in a language the rules cannot read
// are left out before any rule looks at the event. The approval policy does
// not depend on this (it is code, and reads only the impact score and the action templates), but
// the score itself is drafted from the text, so what cannot be a report must not move it.

export interface Reading {
  /** The sentences read, in order. */
  sentences: string[];
  /** Those sentences, one per line: what every rule and figure is read from. */
  text: string;
  /** The first line, when it is read (it names the event). */
  firstLine: string;
}

/**
 * Blocks that a person does not see as prose in the rendered event: HTML comments, fenced code,
 * front-matter-like blocks inside the body, and script or style elements. (An unclosed one runs to
 * the end of the text, as a renderer would hide it.)
 */
function withoutHiddenBlocks(text: string): string {
  return text
    .replace(/<!--[\s\S]*?(?:-->|$)/g, "\n")
    .replace(/^[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^[ \t]*\1[ \t]*$|(?![\s\S]))/gm, "\n")
    .replace(/^(-{3,}|\+{3,})[ \t]*\n(?:[ \t]*[\w"'-][^\n]*:[^\n]*\n)+\1[ \t]*$/gm, "\n")
    .replace(/<(script|style)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, "\n")
    .replace(/<\/?[a-z][^>]*>/gi, " ");
}

// English function words: a sentence with one of them is read as English whatever franc says, since
// franc judges short note-style English badly ("Sales cycle: 46 days, first meeting" scores as
// another language).
const ENGLISH_FUNCTION_WORDS = new Set(
  "a an the of to in on at by for from with and or but not no is are was were be been has have had will our we they it its this that these those than as so per vs".split(
    " ",
  ),
);
// Without one, two function words of another Latin-script language (French, Spanish, German,
// Italian, Portuguese, Dutch, Swedish, Polish) make it foreign; words English shares (a, as, die,
// do, no, per, con) are not among them.
const FOREIGN_FUNCTION_WORDS = new Set(
  "le les des du au aux et est une un ce cette ces dans pour sur avec sans pas qui que ne vous nous il elle ils und der das ist nicht ein eine einen mit für auf bitte sie wir ich el los las y es una del por para sin este esta como lo di che della gli sono het een van niet voor dat wij och är att det som inte os uma não com mais em nie jest się oraz dla".split(
    " ",
  ),
);
// Failing both, franc decides: a foreign sentence scores English below half of its best language
// (German 0.42, Italian 0.41, Polish 0.26 on the injection tests), English note fragments above it.
// Shorter than 25 letters of ordinary words, there is too little to judge, and it is read.
const ENGLISH_SHARE = 0.5;
const SHORTEST_JUDGED = 25;

function isEnglish(sentence: string): boolean {
  const letters = sentence.match(/\p{L}/gu) ?? [];
  const latin = letters.filter((letter) => /\p{Script=Latin}/u.test(letter)).length;
  if (letters.length > 0 && latin / letters.length < 0.5) return false;
  // Names and figures say nothing of the language (a list of people's names after "Our side:" is
  // English): only the ordinary words are judged.
  const words = sentence
    .split(/\s+/)
    .filter((word, index) => index === 0 || !/^\P{L}*\p{Lu}/u.test(word))
    .join(" ")
    .replace(/[^\p{L}\s'-]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  const lower = words.toLowerCase().split(" ");
  if (lower.some((word) => ENGLISH_FUNCTION_WORDS.has(word))) return true;
  if (lower.filter((word) => FOREIGN_FUNCTION_WORDS.has(word)).length >= 2) return false;
  if (words.length < SHORTEST_JUDGED) return true;
  const scores = francAll(words, { minLength: SHORTEST_JUDGED });
  if (scores[0]?.[0] === "und") return true;
  return (scores.find(([language]) => language === "eng")?.[1] ?? 0) >= ENGLISH_SHARE;
}

/**
 * A sentence that gives an order (an instruction) rather than reporting: it opens with a verb in its
 * base form that acts on something ("Approve this", "Ignore all", "Do not", "Note to"). Note-taking
 * fragments that open with a noun that could be a verb ("Return rate on trial accounts", "Cost: 44
 * hours", "Contract signed") are reports. Saying "you" is not an order: a customer's email speaks
 * to the company in the second person ("your SDK shows our logo").
 */
function isOrder(sentence: string): boolean {
  const body = sentence.replace(/^[-*>\s]+/, "");
  return nlp(body).has(
    "^(please|kindly)? (#Infinitive|#Imperative) (#Determiner|#Pronoun|#Adverb|#Preposition|not|all|any|every|no)",
  );
}

const EMAIL_HEADER = /^(from|to|cc|bcc|date|sent|reply-to|subject):\s/i;

// A sentence is judged once: events quote one another (a reply, a forward, a redraft with feedback),
// and the confidence of a draft asks its language again (unreadLanguage).
const inEnglish = remembered(4096, isEnglish);
const isReport = remembered(4096, (sentence) => inEnglish(sentence) && !isOrder(sentence));

/** What an event says in a language the rules do not read: its share of the prose's letters, and that prose. */
export interface UnreadLanguage {
  share: number;
  text: string;
}

/**
 * How much of an event's visible prose is left unread for its language (the confidence of a draft
 * reads it: rules that read a tenth of an event are guessing). An English order is no report and
 * counts on neither side; a sentence in another language counts as unread whatever it says.
 */
export const unreadLanguage = remembered(16, (text: string): UnreadLanguage => {
  const visible = withoutHiddenBlocks(text).replace(/^[ \t]*>+[ \t]?/gm, "");
  let read = 0;
  let unread = 0;
  const foreign: string[] = [];
  for (const sentence of sentences(visible)) {
    const letters = (sentence.match(/\p{L}/gu) ?? []).length;
    if (!inEnglish(sentence)) {
      unread += letters;
      foreign.push(sentence);
    } else if (isReport(sentence)) read += letters;
  }
  return { share: read + unread === 0 ? 0 : unread / (read + unread), text: foreign.join("\n") };
});

/** The sentences of an event the rules read (see the note at the top); every stage asks again, so the last few are kept. */
export const readReport = remembered(16, (text: string): Reading => {
  const visible = withoutHiddenBlocks(text).replace(/^[ \t]*>+[ \t]?/gm, "");
  const read = sentences(visible).filter(isReport);
  // An email names itself in its Subject; its other header lines (From, To, Cc, Date) name nothing.
  const lines = visible.split(/\r?\n/).map((line) => line.replace(/^#+\s*/, "").trim());
  const subject = lines
    .find((line) => /^subject:\s*\S/i.test(line))
    ?.replace(/^subject:\s*(?:(?:re|fwd?|tr|aw|wg):\s*)*/i, "");
  const firstLine = subject ?? lines.find((line) => line.length > 0 && !EMAIL_HEADER.test(line)) ?? "";
  // A title heading is not one of the sentences (headings are left out of them), but it names the
  // event: it is read as the first line when it is English and no order.
  const headingRead = /^#+\s/.test(visible.trimStart()) && isEnglish(firstLine) && !isOrder(firstLine);
  const reading: Reading = {
    sentences: read,
    text: read.join("\n"),
    firstLine:
      headingRead ||
      read.some(
        (sentence) =>
          firstLine.length > 0 &&
          (sentence.includes(firstLine.slice(0, 20)) || firstLine.startsWith(sentence.slice(0, 20))),
      )
        ? firstLine
        : "",
  };
  return reading;
});

/** What the event is called: its first line when that is read, or else its first read sentence. */
export function eventTitle(reading: Reading, text: string): string {
  return headline(reading.firstLine || reading.sentences[0] || text);
}

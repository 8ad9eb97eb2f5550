// A fact is a figure with the words that say what it is of, cut as a reader would quote it: at a word
// boundary, before the next clause, and never after a word that needs another ("7 of the", "35%
// above the previous offer and the partn" were facts until 2026-12-07).

// Words that do not end a phrase: one cut after them has lost the noun they lead to.
const FUNCTION_WORDS = new Set(
  "a an the of to in on at by for from with as than per via into onto over under about around across our their its his her your my this that these those all some any each every no not more less most fewer few many other another such same new up down".split(
    " ",
  ),
);
// Words that open another clause: a phrase stops before them ("35% above the offer | and the partner agreed").
const CLAUSE_WORDS = new Set(
  "and but or nor while whilst whereas which who whom whose so because although though yet if unless vs versus".split(
    " ",
  ),
);
// After a count, a verb of being or having says the count's unit came before it ("39 are about sizing").
const VERBS_OF_STATE = new Set("is are was were be been being has have had will would".split(" "));
// Where a clause ends: punctuation (not a decimal point or a thousands comma), a quotation mark, a
// table cell, a dash between spaces.
const CLAUSE_END = /[;:()|\n"“”]|,(?!\d{3})|\.(?!\d)|\s[-–—]\s/;

const hasLetter = (word: string): boolean => /\p{L}/u.test(word);
const bare = (word: string): string => word.toLowerCase().replace(/[^\p{L}\p{N}'-]/gu, "");
const isFunctionWord = (word: string): boolean => FUNCTION_WORDS.has(bare(word));
// A word with its place in the text, so a phrase is quoted as written ("conversion +9%").
interface Word {
  text: string;
  index: number;
  end: number;
}

function wordsIn(text: string, from: number, to: number): Word[] {
  return [...text.slice(from, to).matchAll(/\S+/g)].map((match) => ({
    text: match[0],
    index: from + match.index,
    end: from + match.index + match[0].length,
  }));
}

/** The words of the clause that starts at `from` (up to where the clause ends). */
function clauseAfter(text: string, from: number): Word[] {
  const end = CLAUSE_END.exec(text.slice(from))?.index ?? text.length - from;
  return wordsIn(text, from, from + end);
}

/** The words of the clause that ends at `to`, after any word that opens a clause. */
function clauseBefore(text: string, to: number): Word[] {
  const before = text.slice(0, to);
  let start = 0;
  for (const match of before.matchAll(new RegExp(CLAUSE_END.source, "g"))) start = match.index + match[0].length;
  const words = wordsIn(text, start, to);
  const opening = words.map((word) => CLAUSE_WORDS.has(bare(word.text))).lastIndexOf(true);
  return words.slice(opening + 1);
}

/** Trailing words that need another are dropped: "above the previous offer" stays, "of the" goes. */
function trimmed(words: Word[]): Word[] {
  const kept = [...words];
  while (kept.length > 0 && (isFunctionWord(kept.at(-1)!.text) || !/[\p{L}\p{N}]/u.test(kept.at(-1)!.text))) kept.pop();
  return kept;
}

/**
 * The words after a percentage that say what it is of ("35% above the previous offer"): whole words
 * up to `most` characters, stopping before another clause. When none follow, the words before it
 * in its clause ("demo requests fell 39%"), at most four.
 */
export function percentPhrase(text: string, start: number, end: number, most = 40): string {
  const after: Word[] = [];
  for (const word of clauseAfter(text, end)) {
    if (CLAUSE_WORDS.has(bare(word.text)) || word.end - end > most) break;
    after.push(word);
  }
  const words = trimmed(after);
  if (words.some((word) => hasLetter(word.text))) return text.slice(start, words.at(-1)!.end);
  const before = clauseBefore(text, start).slice(-4);
  while (before.length > 0 && (isFunctionWord(before[0]!.text) || !hasLetter(before[0]!.text))) before.shift();
  return text.slice(before[0]?.index ?? start, end);
}

/**
 * A count with its unit: the number and the words up to the noun it counts, through "of the" and a
 * second number ("7 of the 10 stores", "3 of our Pro customers", "47 shopper tickets"). The unit
 * is one word, or two when the first does not end in -s ("shopper tickets", "LinkedIn posts"). A
 * count whose unit is not after it ("39 are about sizing") is the number alone.
 */
export function countPhrase(text: string, start: number, end: number): { text: string; end: number } {
  const taken: Word[] = [];
  let content = 0;
  for (const word of clauseAfter(text, end).slice(0, 6)) {
    const plain = bare(word.text);
    if (CLAUSE_WORDS.has(plain) || VERBS_OF_STATE.has(plain)) break;
    if (content === 1 && (isFunctionWord(word.text) || !hasLetter(word.text))) break;
    taken.push(word);
    if (hasLetter(word.text) && !isFunctionWord(word.text)) content += 1;
    if (content === 2 || (content === 1 && /s$/i.test(plain))) break;
  }
  const unit = content > 0 ? trimmed(taken) : [];
  // The phrase's end in the text, so a number inside it ("the 10" of "7 of the 10 stores") is not counted again.
  const phraseEnd = unit.at(-1)?.end ?? end;
  return { text: text.slice(start, phraseEnd).replace(/[.,;:!?"')\]]+$/, ""), end: phraseEnd };
}

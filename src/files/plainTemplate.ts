import Mustache from "mustache";

// Mustache for text that is not HTML (markdown, prompts, YAML, titles): nothing is entity-escaped.
// Given on each render, never set on Mustache itself, so HTML rendered in the same process (the web
// inbox) keeps its escaping.
const PLAIN = { escape: (text: string): string => text };

export function renderPlain(template: string, view: unknown): string {
  return Mustache.render(template, view, {}, PLAIN);
}

// Text made by filling templates with names reads as a person would write it: "the {{org}}" given the
// fallback "the customer" must not say "the the customer", and "{{org}}'s" given a name that is
// already possessive or ends in s must not say "Acme's's" or "Tuesdays's". Titles go through
// renderTitle, possessives through possessive: one place for both, the drafter's and the actions'.

const capitalised = (word: string): boolean => /^\p{Lu}/u.test(word);
const isWord = (token: string): boolean => /^\p{L}+$/u.test(token);

/**
 * A text without a word written twice in a row ("Publish the the customer pieces"). The second of
 * the two is kept when it is capitalised and the first is not ("the The Body Shop": the name keeps
 * its own "The"). Two capitalised words are left alone, as they are a name ("Bora Bora", "Baden
 * Baden"), and so are figures ("4 4").
 */
export function withoutDoubledWords(text: string): string {
  // Words and what lies between them, in turn: ["Publish", " ", "the", " ", "the", ...].
  const tokens = text.split(/([^\p{L}]+)/u);
  const kept: string[] = [];
  for (const token of tokens) {
    const previous = kept.at(-2);
    const between = kept.at(-1);
    const doubled =
      previous !== undefined &&
      between !== undefined &&
      /^\s+$/u.test(between) &&
      isWord(token) &&
      isWord(previous) &&
      token.toLowerCase() === previous.toLowerCase();
    if (doubled && !(capitalised(previous) && capitalised(token))) {
      kept.pop();
      if (capitalised(token)) kept.splice(-1, 1, token);
      continue;
    }
    kept.push(token);
  }
  return kept.join("");
}

/**
 * A template filled in for a title or a sentence, its doubled words taken out: the one place that
 * check is made, for the offline drafter's titles and the action engine's alike.
 */
export function renderTitle(template: string, view: Record<string, unknown>): string {
  return withoutDoubledWords(renderPlain(template, view));
}

/** A name's possessive, written once: "Acme's", "Acme Partners'", and "Acme's" left as it is. */
export function possessive(name: string): string {
  if (/[’']s$/u.test(name) || /s[’']$/u.test(name)) return name;
  return /s$/u.test(name) ? `${name}'` : `${name}'s`;
}

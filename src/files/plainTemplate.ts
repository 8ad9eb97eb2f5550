import Mustache from "mustache";

// Mustache for text that is not HTML (markdown, prompts, YAML, titles): nothing is entity-escaped.
// Given on each render, never set on Mustache itself, so HTML rendered in the same process (the web
// inbox) keeps its escaping.
const PLAIN = { escape: (text: string): string => text };

export function renderPlain(template: string, view: unknown): string {
  return Mustache.render(template, view, {}, PLAIN);
}

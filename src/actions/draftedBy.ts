import { stringify as toYaml } from "yaml";
import { parseFrontMatter } from "../files/frontMatter.js";

// Every document an action writes says who drafted it, so nobody mistakes a template filled by the
// offline rules for a model's or a person's writing. The mark is front matter: it stays with the
// file, and goes with a send as a field of the payload (what is sent of the file: publishable.ts).

export interface DraftedBy {
  /** The provider: `offline` for the rules, `anthropic`, `openai`..., `template` when nothing finished it. */
  drafted_by: string;
  model?: string;
}

/** The document with `drafted_by` (and `model`) set in its front matter, added when it has none. */
export function markDrafted(file: string, text: string, by: DraftedBy): string {
  const { data, content } = text.startsWith("---") ? parseFrontMatter(file, text) : { data: {}, content: text };
  const front = toYaml({ ...data, ...by }).trimEnd();
  return `---\n${front}\n---\n${content.replace(/^\r?\n/, "")}`;
}

/** Who drafted a document, from the mark in its front matter (none when it has no mark). */
export function draftedMark(file: string, text: string): DraftedBy | undefined {
  if (!text.startsWith("---")) return undefined;
  const { data } = parseFrontMatter(file, text);
  return typeof data.drafted_by === "string"
    ? { drafted_by: data.drafted_by, ...(typeof data.model === "string" ? { model: data.model } : {}) }
    : undefined;
}

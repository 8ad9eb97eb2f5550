import { readFileSync } from "node:fs";
import MarkdownIt from "markdown-it";
import Mustache from "mustache";
import { toolPath } from "../files/toolRoot.js";
import { fieldBlocks } from "./fieldBlock.js";

// HTML from the templates in web/templates/ (mustache escapes every value it is given) and from
// markdown, which is untrusted: event text ends up in drafts. markdown-it with `html: false` writes
// any HTML in the text as text, and refuses javascript:, vbscript: and data: links.

export type PageName = "inbox" | "threads" | "thread" | "canvas" | "today" | "file" | "error";

/** The template of each page; a file is a markdown document. */
const TEMPLATE_OF: Record<PageName, string> = {
  inbox: "inbox",
  threads: "threads",
  thread: "thread",
  canvas: "canvas",
  today: "today",
  file: "markdown",
  error: "error",
};

const templates = new Map<string, string>();

function template(name: string): string {
  let text = templates.get(name);
  if (text === undefined) {
    text = readFileSync(toolPath("web", "templates", `${name}.mustache`), "utf8");
    templates.set(name, text);
  }
  return text;
}

// A YAML block inside a document (a blog post's title and slug ahead of its text) shows as its fields.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false }).use(fieldBlocks);

/** Text made safe to put in HTML. */
export const escapeHtml = (text: string): string => markdown.utils.escapeHtml(text);

/** Markdown as HTML, with any HTML in it shown as text. */
export function markdownHtml(text: string): string {
  return markdown.render(text);
}

/**
 * A value as JSON that may sit inside a <script type="application/json"> element: `<` is written as
 * \u003c, so no text in it can close the element.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

// Given on every render: escaping must not depend on what another module did to Mustache's defaults.
const HTML = { escape: (text: string): string => escapeHtml(text) };

export interface LayoutView {
  company: string;
  root: string;
  waiting: number;
  /** The threads the page shows: live updates fetch it again when one of them moves (live.js). */
  shown: readonly string[];
  chart?: boolean;
}

/** Pieces the page templates share. */
const PARTIALS = ["paging"];

/** A whole page: the named template inside the layout. */
export function renderPage(page: PageName, title: string, view: object, layout: LayoutView): string {
  const nav = {
    inbox: page === "inbox",
    threads: page === "threads" || page === "thread",
    canvas: page === "canvas",
    today: page === "today",
  };
  const partials = Object.fromEntries(PARTIALS.map((name) => [name, template(name)]));
  const content = Mustache.render(template(TEMPLATE_OF[page]), view, partials, HTML);
  const shown = layout.shown.join(" ");
  return Mustache.render(
    template("layout"),
    { ...layout, shown, title, page, nav, content, served_at: new Date().toISOString().slice(0, 16).replace("T", " ") },
    {},
    HTML,
  );
}

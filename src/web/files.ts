import { basename, extname, normalize, sep } from "node:path";
import { parseFrontMatter } from "../files/frontMatter.js";
import { readText } from "../files/readText.js";
import { escapeHtml, markdownHtml } from "./render.js";

// A workspace file shown in the browser. Only the business's own folders are served, never the
// runtime state in .leanos/ or git's; the path is checked by name here and then by readText, which
// follows every symlink and refuses what leads outside the workspace. Anything refused is a 404.

const SERVED = ["threads", "artifacts", "strategy", "ops"];

/** The workspace-relative path a URL names, or undefined when it names nothing that is served. */
export function servedPath(requested: string): string | undefined {
  if (requested.includes("\0") || requested.includes("\\")) return undefined;
  const path = normalize(requested);
  if (path.startsWith("..") || path.startsWith(sep) || path.split(sep).some((part) => part === ".." || part.startsWith("."))) return undefined;
  return SERVED.includes(path.split(sep)[0] ?? "") ? path : undefined;
}

/** The file as a page: markdown rendered (front matter shown as text above it), anything else as text. */
export async function fileView(root: string, path: string): Promise<{ title: string; path: string; html?: string; text?: string }> {
  const text = await readText(root, path);
  const title = basename(path);
  if (extname(path) !== ".md") return { title, path, text };
  if (!text.startsWith("---")) return { title, path, html: markdownHtml(text) };
  const { content } = parseFrontMatter(path, text);
  const front = text.slice(0, text.length - content.length);
  return { title, path, html: `<details><summary>front matter</summary><pre class="file">${escapeHtml(front)}</pre></details>${markdownHtml(content)}` };
}

import { realpath } from "node:fs/promises";
import { basename, extname, join, normalize, relative, sep } from "node:path";
import { publishMarkLabel } from "../actions/publishable.js";
import { parseFrontMatter } from "../files/frontMatter.js";
import { readText } from "../files/readText.js";
import { escapeHtml, markdownHtml } from "./render.js";

// A workspace file shown in the browser. Only the business's own folders are served, never the
// runtime state in .leanos/ (settings, the audit log, checkpoints) or git's. The rule is checked twice:
// on the name asked for, and on where the file really is once every symlink is resolved, so a link
// such as artifacts/x -> ../.git/config is refused as what it leads to. Anything refused is a 404.

const SERVED = ["threads", "artifacts", "strategy", "ops"];

/** The workspace-relative path a URL names, or undefined when it names nothing that is served. */
export function servedPath(requested: string): string | undefined {
  if (requested.includes("\0") || requested.includes("\\")) return undefined;
  const path = normalize(requested);
  if (
    path.startsWith("..") ||
    path.startsWith(sep) ||
    path.split(sep).some((part) => part === ".." || part.startsWith("."))
  )
    return undefined;
  return SERVED.includes(path.split(sep)[0] ?? "") ? path : undefined;
}

/** A file that exists but may not be shown: it lands outside the served folders. */
export class NotServed extends Error {
  constructor(path: string) {
    super(`${path} is not among the files this inbox shows`);
    this.name = "NotServed";
  }
}

/**
 * Where `path` really is, relative to the workspace's real folder, if that is a served place:
 * every symlink on the way, the file's own included, is resolved first.
 */
async function realServedPath(root: string, path: string): Promise<string> {
  const named = servedPath(path);
  if (named === undefined) throw new NotServed(path);
  const real = relative(await realpath(root), await realpath(join(root, named)));
  const served = servedPath(real);
  if (served === undefined || served !== real) throw new NotServed(path);
  return real;
}

/**
 * Markdown with the publish marks of a send's draft shown as what they mean: the page renders raw
 * HTML as text, so `<!-- publish -->` would show as itself.
 */
function withMarksShown(markdown: string): string {
  return markdown
    .split("\n")
    .map((line) => {
      const label = publishMarkLabel(line);
      return label ? `\n*⸻ ${label} ⸻*\n` : line;
    })
    .join("\n");
}

/** The file as a page: markdown rendered (front matter shown as text above it), anything else as text. */
export async function fileView(
  root: string,
  path: string,
): Promise<{ title: string; path: string; html?: string; text?: string }> {
  // Read where the check found it, so the file read is the file checked.
  const text = await readText(root, await realServedPath(root, path));
  const title = basename(path);
  if (extname(path) !== ".md") return { title, path, text };
  if (!text.startsWith("---")) return { title, path, html: markdownHtml(withMarksShown(text)) };
  const { content } = parseFrontMatter(path, text);
  const front = text.slice(0, text.length - content.length);
  return {
    title,
    path,
    html: `<details><summary>front matter</summary><pre class="file">${escapeHtml(front)}</pre></details>${markdownHtml(withMarksShown(content))}`,
  };
}

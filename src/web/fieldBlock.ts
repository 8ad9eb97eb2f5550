import type { MarkdownIt, StateBlock } from "markdown-it";

// A block of YAML `key: value` lines inside a markdown document: a second front matter, such as the
// title, slug and meta description a blog post carries ahead of its text (skills/actions/
// marketing-publish/assets/blog.md), once the file's own front matter is taken off. Markdown has no
// such block: it would run the lines together as one paragraph, and read a `---` that closes them as
// a heading's underline or a rule. So they are shown as the fields they are, in a <dl>.
//
// Field lines are `key: value`, a value going on indented under its key, or blank. A block is:
// - field lines between two `---` lines, anywhere at the top level of the document;
// - at the very start of the document, field lines up to a `---` line (the front matter's own
//   closing line opened them), or else two or more field lines up to the first blank line.
// Anything else there (a sentence, a list, a heading) leaves the lines to markdown as before.

const DELIMITER = /^---[ \t]*$/;
const KEY_LINE = /^([A-Za-z][\w .-]{0,63}):(?:[ \t]+(.*))?$/;
const CONTINUATION = /^[ \t]+\S/;
/** The longest block looked for: past it, the lines are markdown's (and a page cannot make the search slow). */
const MAX_LINES = 100;

export interface Field {
  key: string;
  value: string;
}

const lineOf = (state: StateBlock, line: number): string => state.src.slice(state.bMarks[line], state.eMarks[line]);

interface Found {
  fields: Field[];
  /** The line after the block. */
  end: number;
}

/**
 * The field lines from `first`: `closed` when a `---` line ends them (through that line); `run`, the
 * first of them up to a blank line or the document's end, when they run on into something else.
 */
function fieldsFrom(state: StateBlock, first: number, endLine: number): { closed?: Found; run?: Found } {
  const fields: Field[] = [];
  let run: Found | undefined;
  let line = first;
  for (; line < endLine && line < first + MAX_LINES; line += 1) {
    const text = lineOf(state, line);
    if (DELIMITER.test(text))
      return fields.length > 0 ? { closed: { fields, end: line + 1 }, ...(run ? { run } : {}) } : {};
    if (text.trim() === "") {
      run ??= { fields: fields.map((field) => ({ ...field })), end: line };
      continue;
    }
    const key = KEY_LINE.exec(text);
    if (key) fields.push({ key: key[1]!.trim(), value: (key[2] ?? "").trim() });
    else if (CONTINUATION.test(text) && fields.length > 0)
      fields.at(-1)!.value += `${fields.at(-1)!.value ? "\n" : ""}${text.trim()}`;
    else return run ? { run } : {};
  }
  // At the document's end, the lines so far are a run; past the longest block looked for, only a run already ended counts.
  if (line >= endLine) return { run: run ?? { fields, end: line } };
  return run ? { run } : {};
}

function fieldBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  // Only the document's own top level: not inside a list or a quote, not an indented code block.
  if (state.parentType !== "root" || state.blkIndent !== 0 || state.sCount[startLine]! >= 4) return false;
  const opened = DELIMITER.test(lineOf(state, startLine));
  // Without an opening `---`, only the start of the document (nothing rendered before it) opens a block.
  if (!opened && state.tokens.length > 0) return false;
  const { closed, run } = fieldsFrom(state, opened ? startLine + 1 : startLine, endLine);
  const found = closed ?? (!opened && run && run.fields.length >= 2 ? run : undefined);
  if (!found) return false;
  if (silent) return true;
  const token = state.push("field_block", "dl", 0);
  token.block = true;
  token.map = [startLine, found.end];
  token.meta = { fields: found.fields };
  state.line = found.end;
  return true;
}

/** The markdown-it plugin: the rule, ahead of rules (`---`), and its HTML, every key and value escaped. */
export function fieldBlocks(md: MarkdownIt): void {
  md.block.ruler.before("hr", "field_block", fieldBlock);
  md.renderer.rules["field_block"] = (tokens, index) => {
    const { fields } = tokens[index]!.meta as { fields: Field[] };
    const escape = md.utils.escapeHtml;
    return `<dl class="front-matter">\n${fields.map((field) => `<dt>${escape(field.key)}</dt><dd>${escape(field.value)}</dd>\n`).join("")}</dl>\n`;
  };
}

import { FileProblem } from "../errors.js";
import { readText } from "../files/readText.js";

// What of a document may leave the machine. A send template marks its publishable text, and only
// that text is sent:
//
//   <!-- publish -->          the text sent when the person accepts
//   ...
//   <!-- /publish -->
//
//   <!-- publish day 9 -->    a post scheduled 9 days after the approval
//   ...
//   <!-- /publish -->
//
// Everything outside the marks (front matter, channel and campaign notes, tracked-link lists, the
// checklist and the commands for the approver) stays in the file. The marks are HTML comments, which
// most markdown viewers do not show, each alone on its line, so a typo in one is caught rather than
// read as text. A publishable part that still holds a placeholder is not sent: the actions gate names
// it in its question and refuses an accept while it is there, and the executor's send path refuses it
// too. This module is the one place the rule is written.

const OPEN = /^<!--\s*publish(?:\s+day\s+(\d{1,3}))?\s*-->$/;
const CLOSE = /^<!--\s*\/publish\s*-->$/;
/** A line that means to be a mark but is not one this module reads (a typo must not widen what is sent). */
const MARKISH = /<!--\s*\/?\s*publish\b/i;

/**
 * What a person still has to fill in: bracketed text that is not a markdown link or image
 * (`[Result to be added ...]`, `[link]`, a checkbox `[ ]`), a blank to write on (`______`), a template
 * tag left unrendered (`{{org}}`), or a note in an HTML comment.
 */
const PLACEHOLDERS = [/\[[^[\]\n]*\](?![([:])/g, /_{3,}/g, /\{\{[^}\n]*\}\}/g, /<!--.*?(?:-->|$)/g];

/**
 * A publish mark as a person reads it ("publishable part, day 2 after approval", "end of the
 * publishable part"), for views that show the file; undefined for any other line.
 */
export function publishMarkLabel(line: string): string | undefined {
  const open = OPEN.exec(line.trim());
  if (open)
    return open[1] ? `publishable part, sent on day ${open[1]} after approval` : "publishable part: only this is sent";
  return CLOSE.test(line.trim()) ? "end of the publishable part" : undefined;
}

export interface PublishPart {
  /** Days after the approval: 0 is sent at once, N > 0 is scheduled N days later. */
  day: number;
  /** The text sent: the lines between the marks, without the blank lines at either end. */
  body: string;
  /** The line of the opening mark, 1-based, in the whole file. */
  line: number;
}

/** Why a document, or a part of it, cannot be sent as it is. */
export interface Unpublishable {
  file: string;
  line?: number;
  /** The placeholder text as it stands in the file, when the problem is one. */
  placeholder?: string;
  problem: string;
}

/** The publishable parts of one document, and what stops any of it from being sent. */
export function publishableParts(file: string, text: string): { parts: PublishPart[]; problems: Unpublishable[] } {
  const lines = text.split(/\r?\n/);
  const parts: PublishPart[] = [];
  const problems: Unpublishable[] = [];
  // The front matter (who drafted the document) is never in a part, whatever it holds.
  let index = 0;
  if (lines[0] === "---") {
    const end = lines.indexOf("---", 1);
    index = end < 0 ? lines.length : end + 1;
  }
  let open: { day: number; line: number; body: string[] } | undefined;
  for (; index < lines.length; index += 1) {
    const line = lines[index]!;
    const number = index + 1;
    const mark = line.trim();
    const opening = OPEN.exec(mark);
    if (opening) {
      if (open)
        problems.push({
          file,
          line: number,
          problem: `opens a publishable part inside the one opened at line ${open.line}`,
        });
      open = { day: Number(opening[1] ?? 0), line: number, body: [] };
      continue;
    }
    if (CLOSE.test(mark)) {
      if (!open) {
        problems.push({ file, line: number, problem: "closes a publishable part that was never opened" });
        continue;
      }
      const body = trimBlankLines(open.body);
      if (body.length === 0) problems.push({ file, line: open.line, problem: "has an empty publishable part" });
      else if (parts.some((part) => part.day === open!.day))
        problems.push({ file, line: open.line, problem: `has two publishable parts for day ${open.day}` });
      else parts.push({ day: open.day, line: open.line, body: `${body.join("\n")}\n` });
      open = undefined;
      continue;
    }
    if (MARKISH.test(line)) {
      problems.push({
        file,
        line: number,
        problem: `has a publish mark leanos cannot read ("${mark}"); write <!-- publish -->, <!-- publish day N --> or <!-- /publish --> alone on the line`,
      });
      continue;
    }
    if (!open) continue;
    open.body.push(line);
    for (const pattern of PLACEHOLDERS) {
      for (const found of line.matchAll(pattern)) {
        problems.push({
          file,
          line: number,
          placeholder: found[0],
          problem: `still holds the placeholder "${found[0]}"`,
        });
      }
    }
  }
  if (open)
    problems.push({
      file,
      line: open.line,
      problem: "opens a publishable part that is never closed (<!-- /publish -->)",
    });
  if (parts.length === 0 && problems.length === 0) {
    problems.push({
      file,
      problem: "has no publishable part: mark the text to send with <!-- publish --> and <!-- /publish -->",
    });
  }
  return { parts, problems };
}

export interface PublishableDocument {
  /** The document, relative to the workspace. */
  file: string;
  /** The whole file as read (its front matter says who drafted it). */
  text: string;
  parts: PublishPart[];
}

/** Reads the documents of a send (paths relative to the workspace `root`) and splits out what may leave. */
export async function readPublishable(
  root: string,
  files: readonly string[],
): Promise<{ documents: PublishableDocument[]; problems: Unpublishable[] }> {
  const documents: PublishableDocument[] = [];
  const problems: Unpublishable[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readText(root, file);
    } catch (error) {
      // A prepared file deleted or spoilt since: what would be sent is unknown, so nothing is.
      if (!(error instanceof FileProblem)) throw error;
      problems.push({ file, problem: `cannot be read (${error.message})` });
      continue;
    }
    const read = publishableParts(file, text);
    documents.push({ file, text, parts: read.parts });
    problems.push(...read.problems);
  }
  return { documents, problems };
}

function trimBlankLines(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === "") start += 1;
  while (end > start && lines[end - 1]!.trim() === "") end -= 1;
  return lines.slice(start, end);
}

/** One line naming every problem, with the file and line of each: what a person must fix before accepting. */
export function describeUnpublishable(problems: readonly Unpublishable[]): string {
  return problems
    .map((problem) => `${problem.file}${problem.line !== undefined ? ` line ${problem.line}` : ""} ${problem.problem}`)
    .join("; ");
}

/** What to do about the problems: fill the placeholders in, or mend the marks, in the files themselves. */
function remedy(problems: readonly Unpublishable[]): string {
  const one = problems.length === 1;
  if (problems.every((problem) => problem.placeholder !== undefined))
    return one ? "fill it in by editing the file" : "fill them in by editing the files";
  return one ? "mend the file" : "mend the files";
}

/** For the question of a send that cannot go out yet: which documents and placeholders, before accepting. */
export function fillBeforeAccepting(problems: readonly Unpublishable[]): string {
  return `It cannot be sent yet: ${describeUnpublishable(problems)}; ${remedy(problems)} before accepting.`;
}

/** Why an accept of such a send is refused, and how to go on. */
export function unpublishableReason(problems: readonly Unpublishable[]): string {
  return `${describeUnpublishable(problems)}: ${remedy(problems)}, then accept again; nothing was sent`;
}

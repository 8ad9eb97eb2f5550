import matter from "gray-matter";
import { parseDocument } from "yaml";
import { FileProblem } from "../errors.js";

// Parsing the text of a file leanos reads (YAML, or markdown with YAML front-matter). A syntax error
// becomes a FileProblem naming the file and the line, in one sentence: the parsers' own messages
// carry a dump of the offending bytes, which is noise on a terminal and can hold anything.

/** The first sentence of a parser message, without its position (the FileProblem gives the line). */
function reasonOf(message: string): string {
  const first = message.split("\n")[0] ?? message;
  return first.replace(/\s*at line \d+, column \d+:?\s*$/, "").replace(/:$/, "").trim() || "syntax error";
}

/** YAML text parsed, or a FileProblem naming `file` and the line (`what`: which part of the file, "" for all of it). */
function yamlValue(file: string, text: string, what: string): unknown {
  // Warnings (an unknown tag...) are not worth a message on stderr; errors are refused below.
  const doc = parseDocument(text, { logLevel: "silent", prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const position = error.linePos?.[0];
    throw new FileProblem(file, `${what}is not valid YAML: ${reasonOf(error.message)}${position ? ` (column ${position.col})` : ""}`, position?.line);
  }
  try {
    // A bounded alias count keeps a "billion laughs" file from eating the memory.
    return doc.toJS({ maxAliasCount: 100 });
  } catch (caught) {
    throw new FileProblem(file, `${what}is not usable YAML: ${reasonOf((caught as Error).message)}`);
  }
}

/** The YAML text of `file`, parsed; `file` is how the message names it (relative to the workspace). */
export function parseYamlFile(file: string, text: string): unknown {
  return yamlValue(file, text, "");
}

/**
 * A markdown text with optional YAML front-matter, split and parsed. The front-matter is read by the
 * same YAML parser as every other file (YAML 1.2: a date stays the text it is, so 2026-13-45 is not
 * silently rolled over into 2027 as a YAML 1.1 timestamp would be).
 */
export function parseFrontMatter(file: string, text: string): { data: Record<string, unknown>; content: string } {
  // gray-matter hands over the block from the end of the opening `---` line, which is line 1.
  // A fresh options object also keeps it from serving a cached parse of identical text.
  const parsed = matter(text, { engines: { yaml: (block: string) => (yamlValue(file, block, "the front-matter ") ?? {}) as object } });
  const data = parsed.data as unknown;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new FileProblem(file, "the front-matter must be a set of key: value lines", 2);
  }
  return { data: data as Record<string, unknown>, content: parsed.content };
}

import { parseDocument } from "yaml";
import { FileProblem } from "../errors.js";

// Parsing the YAML text of a file leanos reads (front-matter included: src/files/frontMatter.ts). A syntax error
// becomes a FileProblem naming the file and the line, in one sentence: the parsers' own messages
// carry a dump of the offending bytes, which is noise on a terminal and can hold anything.

/** The first sentence of a parser message, without its position (the FileProblem gives the line). */
function reasonOf(message: string): string {
  const first = message.split("\n")[0] ?? message;
  return (
    first
      .replace(/\s*at line \d+, column \d+:?\s*$/, "")
      .replace(/:$/, "")
      .trim() || "syntax error"
  );
}

/** YAML text parsed, or a FileProblem naming `file` and the line (`what`: which part of the file, "" for all of it). */
export function yamlValue(file: string, text: string, what: string): unknown {
  // Warnings (an unknown tag...) are not worth a message on stderr; errors are refused below.
  const doc = parseDocument(text, { logLevel: "silent", prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const position = error.linePos?.[0];
    throw new FileProblem(
      file,
      `${what}is not valid YAML: ${reasonOf(error.message)}${position ? ` (column ${position.col})` : ""}`,
      position?.line,
    );
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

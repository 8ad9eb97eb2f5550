import { parseCache } from "./parseCache.js";

// The YAML reads of the read-only commands (and the graph's, graph/spec.ts), through the parse cache (parseCache.ts): the parsers are
// imported only when the text is not in it. Each kind names what its value holds; a change to how a
// kind is read changes the parsers' identity (scripts/bundle/build.mjs hashes this file), so no
// entry written the old way is read.

/** A YAML file's value (parsed.ts parseYamlFile); `file` names it in a refusal. */
export const cachedYamlFile = (file: string, text: string): Promise<unknown> =>
  parseCache.read("yaml", text, async () => (await import("./parsed.js")).parseYamlFile(file, text));

/** A markdown text's front-matter and body (frontMatter.ts parseFrontMatter). */
export const cachedFrontMatter = (
  file: string,
  text: string,
): Promise<{ data: Record<string, unknown>; content: string }> =>
  parseCache.read("front-matter", text, async () => (await import("./frontMatter.js")).parseFrontMatter(file, text));

import matter from "gray-matter";
import { stringify } from "yaml";
import { FileProblem } from "../errors.js";
import { yamlValue } from "./parsed.js";

// Markdown with YAML front-matter. gray-matter finds the block; the YAML in it is read and written by
// `yaml`, the one YAML library leanos uses. It is apart from parsed.ts because gray-matter (with the
// js-yaml it loads) takes some 35 ms to load: only what reads or writes such files pays for it.

/**
 * A markdown text with optional YAML front-matter, split and parsed. The front-matter is read by the
 * same YAML parser as every other file (YAML 1.2: a date stays the text it is, so 2026-13-45 is not
 * silently rolled over into 2027 as a YAML 1.1 timestamp would be).
 */
export function parseFrontMatter(file: string, text: string): { data: Record<string, unknown>; content: string } {
  // gray-matter hands over the block from the end of the opening `---` line, which is line 1.
  // A fresh options object also keeps it from serving a cached parse of identical text.
  const parsed = matter(text, {
    engines: { yaml: (block: string) => (yamlValue(file, block, "the front-matter ") ?? {}) as object },
  });
  const data = parsed.data as unknown;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new FileProblem(file, "the front-matter must be a set of key: value lines", 2);
  }
  return { data: data as Record<string, unknown>, content: parsed.content };
}

/**
 * A markdown body with `data` as its front-matter, written by `yaml`. Written as YAML 1.1 quotes what
 * a 1.1 reader would take for something else (a timestamp, "yes"), so the file reads the same in
 * either dialect: leanos reads 1.2, and other tools that read front-matter often read 1.1.
 */
export function withFrontMatter(body: string, data: Record<string, unknown>): string {
  return matter.stringify(body, data, {
    engines: {
      yaml: {
        parse: (block: string) => (yamlValue("front-matter", block, "") ?? {}) as object,
        stringify: (value: object) => stringify(value, { version: "1.1" }),
      },
    },
  });
}

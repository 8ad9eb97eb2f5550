import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { FileProblem } from "../errors.js";
import { containedPath } from "./contained.js";

// Reading a workspace file: inside the workspace (see contained.ts), and text: valid UTF-8 with no
// NUL bytes. A binary or Latin-1 file is refused by name instead of being parsed as something empty.

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes as text, or the reason they are not text. */
export function decodeText(bytes: Uint8Array): { text: string } | { problem: string } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { problem: "is not UTF-8 text (save it as UTF-8)" };
  }
  const nul = text.indexOf("\u0000");
  if (nul >= 0)
    return { problem: `holds a NUL byte at line ${text.slice(0, nul).split("\n").length}: it is binary, not text` };
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

function shown(root: string | undefined, path: string): string {
  if (!root) return path;
  const rel = relative(root, path);
  return rel.startsWith("..") ? path : rel;
}

function failure(root: string | undefined, path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new FileProblem(shown(root, path), "is missing");
  if (code === "EISDIR") return new FileProblem(shown(root, path), "is a folder; a file was expected here");
  return error as Error;
}

function checked(root: string | undefined, path: string, bytes: Uint8Array): string {
  const decoded = decodeText(bytes);
  if ("problem" in decoded) throw new FileProblem(shown(root, path), decoded.problem);
  return decoded.text;
}

/** Reads a text file of the workspace `root` (checked to stay inside it); tool files pass no root. */
export async function readText(root: string | undefined, path: string): Promise<string> {
  const absolute = root ? containedPath(root, path) : path;
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    throw failure(root, absolute, error);
  }
  return checked(root, absolute, bytes);
}

export function readTextSync(root: string | undefined, path: string): string {
  const absolute = root ? containedPath(root, path) : path;
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    throw failure(root, absolute, error);
  }
  return checked(root, absolute, bytes);
}

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";

// What a YAML file parses to, kept by the hash of its text, so that a command that only reads (pending,
// status, a pass with nothing due) need not load the YAML parsers for settings, a graph and skills
// that have not changed since the last command read them: `yaml` and gray-matter (with js-yaml and
// esprima) took some 35 ms of such a command's 0.1-0.25 s (2026-12-07).
//
// Kept in the user's cache folder, never in the workspace: a workspace is shared and synced, and a
// parse stored there could say something its YAML does not, unseen by the person who reads the file.
// An entry is named by the hash of the parsers' identity, the kind of read and the whole text, so a
// changed file, a changed parser or a changed way of reading is a miss, never a stale value; what
// comes back is checked by the same validators as a fresh parse. A value JSON cannot carry exactly
// (a Date, Infinity, undefined inside a list) is not kept. Writing is best effort: a read-only or full
// cache folder only costs the parse.

/** The parsers' identity, set by the bundler (scripts/bundle/build.mjs); unset, nothing is cached. */
declare const LEANOS_PARSER_ID: string | undefined;
const builtIdentity = typeof LEANOS_PARSER_ID === "string" ? LEANOS_PARSER_ID : undefined;

/** Where the cache is: LEANOS_CACHE_DIR, else $XDG_CACHE_HOME/leanos, else ~/.cache/leanos; "off" keeps none. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.LEANOS_CACHE_DIR === "off") return undefined;
  if (env.LEANOS_CACHE_DIR) return env.LEANOS_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "leanos");
  try {
    return join(homedir(), ".cache", "leanos");
  } catch {
    return undefined;
  }
}

/** Texts longer than this are parsed each time: no setting, graph or skill file is near it. */
export const LONGEST_KEPT = 1 << 20;

let written = 0;

export class ParseCache {
  /** `dir` undefined: every read parses. */
  constructor(
    private readonly dir: string | undefined,
    private readonly identity: string,
  ) {}

  private entryOf(kind: string, text: string): string | undefined {
    if (!this.dir || text.length > LONGEST_KEPT) return undefined;
    const key = createHash("sha256").update(`${this.identity}\0${kind}\0`).update(text).digest("hex");
    return join(this.dir, "parsed", key.slice(0, 2), `${key.slice(2)}.json`);
  }

  /** What `parse` makes of `text`, from the cache when this kind of read of this text was kept. */
  async read<T>(kind: string, text: string, parse: () => T | Promise<T>): Promise<T> {
    const entry = this.entryOf(kind, text);
    if (entry) {
      try {
        return (JSON.parse(readFileSync(entry, "utf8")) as { value: T }).value;
      } catch {
        // Absent, unreadable or torn: parse.
      }
    }
    const value = await parse();
    if (entry) this.keep(entry, value);
    return value;
  }

  private keep(entry: string, value: unknown): void {
    const json = JSON.stringify({ value });
    if (json === undefined || !isDeepStrictEqual((JSON.parse(json) as { value: unknown }).value, value)) return;
    const temp = `${entry}.${process.pid}.${(written += 1)}.tmp`;
    try {
      mkdirSync(join(entry, ".."), { recursive: true });
      writeFileSync(temp, json);
      renameSync(temp, entry);
    } catch {
      try {
        rmSync(temp, { force: true });
      } catch {
        // Nowhere to have written it either.
      }
    }
  }
}

/** The process's cache, as the environment places it and the bundle names its parsers. */
export const parseCache = new ParseCache(builtIdentity && cacheDir(), builtIdentity ?? "");

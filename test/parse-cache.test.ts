import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LONGEST_KEPT, ParseCache, cacheDir } from "../src/files/parseCache.js";
import { tempDir } from "./helpers.js";

// The parse cache keeps what a YAML text parsed to, by the hash of the parsers' identity, the kind of
// read and the text: a changed text or parser is a miss, and only what JSON carries exactly is kept.

async function entries(dir: string): Promise<string[]> {
  const parsed = join(dir, "parsed");
  const found: string[] = [];
  for (const folder of await readdir(parsed).catch(() => [])) {
    for (const name of await readdir(join(parsed, folder))) found.push(join(parsed, folder, name));
  }
  return found;
}

describe("ParseCache", () => {
  it("parses a text once, then reads the kept value (a fresh copy each time)", async () => {
    const cache = new ParseCache(await tempDir("leanos-pc-"), "parsers-1");
    let parses = 0;
    const parse = () => ((parses += 1), { threshold: 0.8, types: ["sales"] });
    const first = await cache.read("yaml", "threshold: 0.8", parse);
    const second = await cache.read("yaml", "threshold: 0.8", parse);
    expect(parses).toBe(1);
    expect(second).toEqual(first);
    second.types.push("changed");
    expect((await cache.read("yaml", "threshold: 0.8", parse)).types).toEqual(["sales"]);
  });

  it("misses on another text, another kind of read or another parser", async () => {
    const dir = await tempDir("leanos-pc-");
    let parses = 0;
    const parse = () => ((parses += 1), { parses });
    await new ParseCache(dir, "parsers-1").read("yaml", "a: 1", parse);
    expect(await new ParseCache(dir, "parsers-1").read("yaml", "a: 2", parse)).toEqual({ parses: 2 });
    expect(await new ParseCache(dir, "parsers-1").read("graph", "a: 1", parse)).toEqual({ parses: 3 });
    expect(await new ParseCache(dir, "parsers-2").read("yaml", "a: 1", parse)).toEqual({ parses: 4 });
    expect(await new ParseCache(dir, "parsers-1").read("yaml", "a: 1", parse)).toEqual({ parses: 1 });
  });

  it("keeps no value JSON would change (a date, a missing list item, Infinity), no refusal and no text over 1 MB", async () => {
    const dir = await tempDir("leanos-pc-");
    const cache = new ParseCache(dir, "parsers-1");
    const values = [{ at: new Date(0) }, { list: [1, undefined] }, { limit: Infinity }];
    for (const [index, value] of values.entries()) await cache.read("yaml", `text ${index}`, () => value);
    await cache.read("yaml", "#".repeat(LONGEST_KEPT + 1), () => null);
    await expect(
      cache.read("yaml", "bad: [", () => {
        throw new Error("not valid YAML");
      }),
    ).rejects.toThrow("not valid YAML");
    expect(await entries(dir)).toEqual([]);
  });

  it("parses again when an entry is torn, and still answers when the folder cannot be written", async () => {
    const dir = await tempDir("leanos-pc-");
    const cache = new ParseCache(dir, "parsers-1");
    await cache.read("yaml", "a: 1", () => ({ a: 1 }));
    const [entry] = await entries(dir);
    await writeFile(entry!, '{"value": {"a": 1');
    expect(await cache.read("yaml", "a: 1", () => ({ a: "parsed again" }))).toEqual({ a: "parsed again" });
    expect(JSON.parse(await readFile(entry!, "utf8"))).toEqual({ value: { a: "parsed again" } });

    // A file where the folder should be: no one, root included, can write under it.
    const file = join(await tempDir("leanos-pc-"), "a-file");
    await writeFile(file, "");
    const unwritable = new ParseCache(join(file, "cache"), "parsers-1");
    expect(await unwritable.read("yaml", "a: 1", () => ({ a: 1 }))).toEqual({ a: 1 });
  });

  it("parses every time without a folder", async () => {
    const cache = new ParseCache(undefined, "parsers-1");
    let parses = 0;
    for (let run = 0; run < 2; run++) await cache.read("yaml", "a: 1", () => ({ parses: (parses += 1) }));
    expect(parses).toBe(2);
  });
});

describe("cacheDir", () => {
  it("is LEANOS_CACHE_DIR, else under XDG_CACHE_HOME, else ~/.cache; off keeps none", () => {
    expect(cacheDir({ LEANOS_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x" })).toBe("/c");
    expect(cacheDir({ XDG_CACHE_HOME: "/x" })).toBe(join("/x", "leanos"));
    expect(cacheDir({})).toMatch(/[\\/]\.cache[\\/]leanos$/);
    expect(cacheDir({ LEANOS_CACHE_DIR: "off", XDG_CACHE_HOME: "/x" })).toBeUndefined();
  });
});

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readEvent } from "../src/stages/readEvent.js";
import { UsageError } from "../src/errors.js";
import { tempDir } from "./helpers.js";

// `leanos event` takes text only: valid UTF-8, no NUL bytes, within the size limit, and a real date.

const today = "2026-11-20";

async function fileWith(bytes: Buffer | string, name = "event.md"): Promise<string> {
  const path = join(await tempDir(), name);
  await writeFile(path, bytes);
  return path;
}

/** An endless stream of event text that counts what was pulled from it. */
function endless(): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const chunk = Buffer.alloc(64 * 1024, "a");
  const stream = new Readable({
    read() {
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

describe("readEvent", () => {
  it("reads text, a file with front-matter, and JSON", async () => {
    expect(await readEvent({ text: "ElsaAI deal closed", today })).toEqual({
      text: "ElsaAI deal closed",
      date: today,
      source: "command line",
    });
    const file = await fileWith(
      "---\ndate: 2026-11-18\nsource: contract.pdf\n---\nElsaAI deal closed: 38% fewer returns\n",
    );
    expect(await readEvent({ file, today })).toEqual({
      text: "ElsaAI deal closed: 38% fewer returns",
      date: "2026-11-18",
      source: "contract.pdf",
      file,
    });
    const stdin = Readable.from([Buffer.from('{"text": "Café deal ✓", "source": "crm"}')]);
    expect(await readEvent({ text: "-", today, stdin })).toEqual({ text: "Café deal ✓", date: today, source: "crm" });
  });

  it.each([
    [
      "a file with a NUL byte",
      Buffer.from("ElsaAI deal\u0000closed"),
      /--file .*: the event holds a NUL byte at line 1: it is binary, not text/,
    ],
    [
      "a Latin-1 file",
      Buffer.from("Caf\xe9 deal closed", "latin1"),
      /--file .*: the event is not UTF-8 text \(save it as UTF-8\)/,
    ],
    [
      "a binary file",
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe]),
      /the event is not UTF-8 text/,
    ],
  ])("refuses %s with the reason (exit 2)", async (_case, bytes, message) => {
    const error = await readEvent({ file: await fileWith(bytes), today }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses a NUL character given as a JSON escape", async () => {
    await expect(readEvent({ text: '{"text": "deal\\u0000closed"}', today })).rejects.toThrow(/holds a NUL character/);
  });

  it("stops reading stdin at the limit: an endless stream is refused after little more than the limit", async () => {
    const { stream, pulled } = endless();
    await expect(readEvent({ text: "-", today, stdin: stream, maxBytes: 256 * 1024 })).rejects.toThrow(
      /stdin: the event is larger than 256 KB; .*max_event_kb/,
    );
    // The stream's internal buffer reads ahead a little; what matters is that it stopped.
    expect(pulled()).toBeLessThan(2 * 1024 * 1024);
    expect(stream.destroyed).toBe(true);
  });

  it("refuses a file over the limit without reading it, and a device that never ends while reading it", async () => {
    const big = await fileWith(Buffer.alloc(300 * 1024, "a"));
    await expect(readEvent({ file: big, today })).rejects.toThrow(/larger than 256 KB/);
    await expect(readEvent({ file: big, today, maxBytes: 512 * 1024 })).resolves.toMatchObject({ date: today });
    await expect(readEvent({ file: "/dev/zero", today, maxBytes: 1024 })).rejects.toThrow(
      /--file \/dev\/zero: the event is larger than 1 KB/,
    );
    await expect(readEvent({ text: "x".repeat(2048), today, maxBytes: 1024 })).rejects.toThrow(
      /the event text: the event is larger than 1 KB/,
    );
  });

  it("refuses a missing file and a folder by name", async () => {
    const dir = await tempDir();
    await expect(readEvent({ file: join(dir, "nope.md"), today })).rejects.toThrow(/nope\.md: no such file/);
    await expect(readEvent({ file: dir, today })).rejects.toThrow(/is a folder/);
  });

  it.each([
    ["2026-13-45", /--date 2026-13-45: not a calendar date; expected a real date as YYYY-MM-DD/],
    ["2026-02-30", /--date 2026-02-30: not a calendar date/],
    ["18/11/2026", /--date 18\/11\/2026: not a date; expected a real date as YYYY-MM-DD/],
    ["", /--date : not a date/],
  ])("refuses --date %s, saying why", async (date, message) => {
    await expect(readEvent({ text: "deal", date, today })).rejects.toThrow(message);
  });

  it("refuses a front-matter date that is not a calendar date, naming the file (no silent roll-over into 2027)", async () => {
    const file = await fileWith("---\ndate: 2026-13-45\n---\nElsaAI deal closed\n");
    await expect(readEvent({ file, today })).rejects.toThrow(
      /--file .*event\.md: date: 2026-13-45: not a calendar date/,
    );
  });

  it("refuses front-matter that is not YAML with the file and line", async () => {
    const file = await fileWith("---\ndate: 2026-11-18\nsource: a: b\n---\nElsaAI deal closed\n");
    await expect(readEvent({ file, today })).rejects.toThrow(/event\.md:3: the front-matter is not valid YAML/);
  });
});

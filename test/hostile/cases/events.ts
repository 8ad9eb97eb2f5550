import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { expect } from "vitest";
import type { CasePaths, HostileCase } from "../harness.js";

// Events that are not text, too large, or wrongly dated: refused with the reason (exit 2) before a
// thread is started. The base has a thread waiting at its gate, so "unchanged" covers its state too.

const ws = (paths: CasePaths): string[] => ["--workspace", paths.workspace];

/** An event file of these bytes, outside the workspace. */
const eventFileOf =
  (bytes: Buffer | string, name = "event.md") =>
  async (paths: CasePaths): Promise<void> => {
    await writeFile(join(paths.inputs, name), bytes);
  };
const fromFile =
  (name = "event.md") =>
  (paths: CasePaths): string[] => [...ws(paths), "event", "--file", join(paths.inputs, name)];

/** 600 MB of text, made as it is read: the test never holds it. */
function sixHundredMegabytes(): Readable {
  const chunk = Buffer.alloc(1024 * 1024, "ElsaAI deal closed. ");
  let sent = 0;
  return new Readable({
    read() {
      sent += 1;
      this.push(sent > 600 ? null : chunk);
    },
  });
}

const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xd8, 0xff,
  0xe0, 0x00, 0x10,
]);

export const cases: HostileCase[] = [
  {
    name: "a binary file (PNG bytes) as --file",
    base: "waiting",
    setup: eventFileOf(PNG, "photo.png"),
    args: fromFile("photo.png"),
    exit: 2,
    words: ["photo.png", "is not UTF-8 text"],
  },
  {
    name: "a text file with NUL bytes as --file",
    base: "waiting",
    setup: eventFileOf("ElsaAI deal closed\nARR\u0000\u0000 $1.1M\n"),
    args: fromFile(),
    exit: 2,
    words: ["event.md", "NUL byte at line 2", "binary"],
  },
  {
    name: "a Latin-1 file as --file",
    base: "waiting",
    setup: eventFileOf(Buffer.from("Deal closed with Caf\xe9 Lum\xe8re: 38% fewer returns\n", "latin1")),
    args: fromFile(),
    exit: 2,
    words: ["event.md", "not UTF-8 text", "save it as UTF-8"],
  },
  {
    name: "a UTF-16 file as --file",
    base: "waiting",
    setup: eventFileOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("ElsaAI deal closed", "utf16le")])),
    args: fromFile(),
    exit: 2,
    words: ["not UTF-8 text"],
  },
  {
    name: "binary bytes on stdin",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "-"],
    stdin: () => Readable.from([PNG]),
    exit: 2,
    words: ["stdin", "not UTF-8 text"],
  },
  {
    name: "600 MB on stdin: refused at the limit while reading, quickly",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "-"],
    stdin: sixHundredMegabytes,
    timeoutMs: 20_000,
    exit: 2,
    words: ["stdin: the event is larger than 256 KB", "max_event_kb"],
    check: (_paths, outcome) => {
      // The child stopped reading at the limit: the pipe took a few MB at most, not 600.
      expect(outcome.stdinBytes).toBeLessThan(16 * 1024 * 1024);
    },
  },
  {
    name: "an event file over the size limit",
    base: "waiting",
    setup: eventFileOf(`ElsaAI deal closed. ${"The pilot went well. ".repeat(15_000)}`),
    args: fromFile(),
    exit: 2,
    words: ["event.md: the event is larger than 256 KB"],
  },
  {
    name: "an event over max_event_kb set in .leanos/config.yaml",
    base: "waiting",
    setup: async (paths) => {
      await writeFile(
        join(paths.workspace, ".leanos", "config.yaml"),
        "approval_threshold: 0.8\nsite_url: https://glamyouup.com\nmax_event_kb: 1\n",
      );
    },
    args: (paths) => [...ws(paths), "event", `ElsaAI deal closed. ${"Details. ".repeat(200)}`],
    exit: 2,
    words: ["the event text: the event is larger than 1 KB"],
  },
  {
    name: "an endless device as --file (/dev/zero)",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "--file", "/dev/zero"],
    timeoutMs: 20_000,
    exit: 2,
    words: ["--file /dev/zero: the event is larger than 256 KB"],
  },
  {
    name: "event --date 2026-13-45",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "ElsaAI deal closed", "--date", "2026-13-45"],
    exit: 2,
    words: ["--date 2026-13-45: not a calendar date", "YYYY-MM-DD"],
  },
  {
    name: "event --date 2026-02-30",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "ElsaAI deal closed", "--date", "2026-02-30"],
    exit: 2,
    words: ["--date 2026-02-30: not a calendar date"],
  },
  {
    name: "event --date 18/11/2026",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "ElsaAI deal closed", "--date", "18/11/2026"],
    exit: 2,
    words: ["--date 18/11/2026: not a date", "YYYY-MM-DD"],
  },
  {
    name: "a bad --date is refused before stdin is read",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "-", "--date", "2026-13-45"],
    stdin: sixHundredMegabytes,
    timeoutMs: 20_000,
    exit: 2,
    words: ["--date 2026-13-45: not a calendar date"],
  },
  {
    name: "a front-matter date that is not a calendar date",
    base: "waiting",
    setup: eventFileOf("---\ndate: 2026-13-45\nsource: CRM\n---\nElsaAI deal closed: $1.1M ARR\n"),
    args: fromFile(),
    exit: 2,
    words: ["event.md: date: 2026-13-45: not a calendar date"],
  },
  {
    name: "front-matter that is not YAML",
    base: "waiting",
    setup: eventFileOf('---\ndate: 2026-11-18\nsource: "CRM" note\n---\nElsaAI deal closed\n'),
    args: fromFile(),
    exit: 2,
    words: ["event.md:3: the front-matter is not valid YAML"],
  },
  {
    name: "a JSON event whose text holds an escaped NUL",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "-"],
    stdin: '{"text": "ElsaAI deal\\u0000closed"}',
    exit: 2,
    words: ["stdin", "NUL character"],
  },
  {
    name: "a JSON event without text",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "-"],
    stdin: '{"title": "ElsaAI deal closed"}',
    exit: 2,
    words: ['a JSON event needs a "text" field'],
  },
  {
    name: "an empty event on stdin",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "-"],
    stdin: "  \n\n",
    exit: 2,
    words: ["the event from stdin is empty"],
  },
  {
    name: "an event file that does not exist",
    base: "waiting",
    args: fromFile("nowhere.md"),
    exit: 2,
    words: ["nowhere.md: no such file"],
  },
  {
    name: "a folder as --file",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "--file", paths.inputs],
    exit: 2,
    words: ["is a folder"],
  },
  {
    name: "both TEXT and --file",
    base: "waiting",
    setup: eventFileOf("ElsaAI deal closed\n"),
    args: (paths) => [...fromFile()(paths), "ElsaAI deal closed"],
    exit: 2,
    words: ["either as TEXT or with --file"],
  },
  {
    name: "an unknown --type",
    base: "waiting",
    args: (paths) => [...ws(paths), "event", "ElsaAI deal closed", "--type", "finance"],
    exit: 2,
    words: ["finance", "sales, marketing, business"],
  },
  {
    name: "an event for a workspace that does not exist",
    base: "empty",
    args: (paths) => ["--workspace", join(paths.workspace, "missing"), "event", "-"],
    stdin: sixHundredMegabytes,
    timeoutMs: 20_000,
    exit: 2,
    words: ["does not exist", "--workspace"],
  },
];

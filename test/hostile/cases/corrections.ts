import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CasePaths, HostileCase } from "../harness.js";

// `leanos correct` given what it must refuse: fields a correction does not set, assumptions the
// canvas does not have, a type that is not one, a new type whose folder another thread holds, a
// thread a pass is running, a value of a megabyte, a thread that does not exist; and `leanos memory`
// given an id it does not hold. Each exits 2 saying why, and the workspace is left byte for byte as it was.

const THREAD = "sales/elsaai-deal-closed";
const ws = (paths: CasePaths): string[] => ["--workspace", paths.workspace];

const refused = (
  name: string,
  edit: string,
  words: Array<string | RegExp>,
  extra: Partial<HostileCase> = {},
): HostileCase => ({
  name: `correct: ${name}`,
  base: "waiting",
  args: (paths) => [...ws(paths), "correct", THREAD, "--edit", edit],
  exit: 2,
  words,
  ...extra,
});

/** Holds the thread's lease from another process, as a running pass does, until the case's command is done. */
async function holdThread(paths: CasePaths): Promise<void> {
  const { readFile } = await import("node:fs/promises");
  const meta = JSON.parse(
    await readFile(join(paths.workspace, "threads", "sales", "elsaai-deal-closed", "meta.json"), "utf8"),
  ) as { id: string };
  const holder = spawn(
    process.execPath,
    [
      join(import.meta.dirname, "..", "..", "store", "hold-lease.mjs"),
      "sqlite",
      paths.workspace,
      join(paths.workspace, ".leanos", "checkpoints.sqlite"),
      `thread:${meta.id}`,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on("data", (chunk: Buffer) =>
      chunk.toString().startsWith("held") ? resolve() : reject(new Error(chunk.toString())),
    );
    holder.on("exit", (code) => reject(new Error(`the lease holder exited ${code}`)));
  });
  holders.push(() => holder.kill("SIGKILL"));
  // Never outlives the suite, whatever happens to the case.
  setTimeout(() => holder.kill("SIGKILL"), 30_000).unref();
}
const holders: Array<() => void> = [];

export const cases: HostileCase[] = [
  refused("a field a correction does not set", '{"statement":"we win"}', [
    '"statement" is not a field a correction sets',
    "type, assumptions, verdict, facts",
  ]),
  refused("the prototype's key", '{"__proto__":{"type":"business"}}', ['"__proto__" is not a field a correction sets']),
  refused("an assumption the canvas does not have", '{"assumptions":[{"id":"A99","direction":"challenges"}]}', [
    "A99 is not in strategy/canvas/10-assumptions.md",
  ]),
  refused("a direction that is not one", '{"assumptions":[{"id":"A4","direction":"sideways"}]}', [
    "assumptions",
    "direction",
  ]),
  refused("a type that is not a type", '{"type":"finance"}', ["type", "sales", "marketing", "business"]),
  refused("a verdict that is not one", '{"verdict":"MAYBE"}', ["verdict"]),
  refused("nothing that differs from the reading", '{"type":"sales"}', [
    "what the drafter read already: nothing to correct",
  ]),
  refused("an empty object", "{}", ["nothing to correct"]),
  refused("JSON that is not an object", "[1,2]", ["--edit needs a JSON object"]),
  refused("text that is not JSON", "{type: business}", ["not valid JSON"]),
  refused("a 100 KB value", JSON.stringify({ facts: [{ kind: "money", text: "x".repeat(100 * 1024), value: 1 }] }), [
    "101 KB",
    "at most 16 KB",
  ]),
  // A megabyte does not fit in one argument (the kernel's limit is 128 KB): it comes on stdin.
  refused("a 1 MB value on stdin", "-", ["on stdin is over 16 KB", "at most 16 KB"], {
    stdin: JSON.stringify({ facts: [{ kind: "money", text: "x".repeat(1024 * 1024), value: 1 }] }),
  }),
  refused("a NUL byte in a value, on stdin", "-", ["control character"], {
    stdin: JSON.stringify({ facts: [{ kind: "money", text: "EUR 1,200\u0000", value: 1200 }] }),
  }),
  refused(
    "a new type onto a folder that exists",
    '{"type":"business"}',
    ["threads/business/elsaai-deal-closed/ exists already", "nothing was changed"],
    {
      setup: async (paths) => {
        const dir = join(paths.workspace, "threads", "business", "elsaai-deal-closed");
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, "notes.md"), "# Someone's own notes\n");
      },
    },
  ),
  refused("a thread that does not exist", '{"verdict":"DEFER"}', ['unknown thread "sales/no-such-thread"'], {
    args: (paths) => [...ws(paths), "correct", "sales/no-such-thread", "--edit", '{"verdict":"DEFER"}'],
  }),
  // The memory: an id it does not hold is refused by each command that takes one.
  ...(["forget", "accept", "reject"] as const).map((verb): HostileCase => ({
    name: `memory ${verb}: an id the memory does not hold`,
    base: "waiting",
    args: (paths) => [...ws(paths), "memory", verb, "rule-0000000000"],
    exit: 2,
    words: [
      verb === "forget"
        ? 'the memory holds nothing with the id "rule-0000000000"'
        : 'no proposed rule has the id "rule-0000000000"',
      "nothing was changed",
    ],
  })),
  refused("a thread a pass is running", '{"verdict":"DEFER"}', [`${THREAD} is busy`, "nothing was changed"], {
    setup: holdThread,
    check: () => {
      for (const stop of holders.splice(0)) stop();
    },
  }),
];

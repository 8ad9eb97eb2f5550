import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Command } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { readEvent } from "../src/stages/readEvent.js";
import type { GatePayload } from "../src/gates/wire.js";
import { Runtime } from "../src/runtime/engine.js";
import { actionTemplates, loadSkills } from "../src/skills/loader.js";
import { repoRoot, runCli, sampleCopy, tempDir, type CliResult } from "./helpers.js";
import { withLeanos } from "./library.js";

// Only the publishable body of a document leaves the machine. Every send template (each action type
// whose executor is `send`) is drafted offline and approved, for the sample workspace and for a new
// one made by `leanos init`, and each payload it puts in artifacts/outbox/ must hold the text to
// publish and nothing else: no front matter, no checklist, nothing addressed to the approver, no
// placeholder. A placeholder left in the text to publish refuses the send, naming it, and nothing is
// written to the outbox.

interface Payload {
  action_type: string;
  channel: string;
  body: string;
  scheduled_for?: string;
}
interface Waiting {
  thread: string;
  kind: string;
  action_id?: string;
  question: string;
}

const skills = await loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]);
const SEND_TYPES = [...actionTemplates(skills).values()]
  .filter((template) => template.action.executor === "send")
  .map((template) => template.action.type)
  .sort();

/** What a payload's body must not hold, each with what it is. */
const INTERNAL: Array<[string, RegExp]> = [
  ["front matter", /^---\r?\n|^drafted_by:|^model:/m],
  ["a checklist", /^\s*[-*] \[[ xX]\]/m],
  ["a note to the approver", /approv|\bleanos\b|before you|waiting for|nothing is posted|distribution record/i],
  [
    "a channel or campaign note",
    /^(?:channel|campaign|status|subject|preview text|title|slug|meta description|keywords|canonical):|· thread /m,
  ],
  ["a placeholder", /\[[^\]\n]*\](?!\()|_{3,}|\{\{|<!--/],
];

function internalIn(body: string): string[] {
  return INTERNAL.filter(([, pattern]) => pattern.test(body)).map(
    ([what, pattern]) => `${what}: ${body.match(pattern)![0]}`,
  );
}

async function cli(workspace: string, args: string[]): Promise<CliResult> {
  return runCli(["--workspace", workspace, "--json", ...args], { env: { LEANOS_USER: "bella" } });
}

async function waitingOn(workspace: string): Promise<Waiting | undefined> {
  const listed = await cli(workspace, ["pending"]);
  expect(listed.exitCode, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as Waiting[])[0];
}

async function outbox(workspace: string): Promise<Payload[]> {
  const dir = join(workspace, "artifacts", "outbox");
  if (!existsSync(dir)) return [];
  return Promise.all(
    (await readdir(dir)).sort().map(async (name) => JSON.parse(await readFile(join(dir, name), "utf8")) as Payload),
  );
}

/** The type of the action a gate waits on ("marketing:publish"), from its question. */
const actionType = (item: Waiting): string | undefined => / (\w+:[\w-]+) "/.exec(item.question)?.[1];

/** Every document and placeholder a send's question says must be filled in before accepting. */
function placeholdersNamed(text: string): Array<{ file: string; placeholder: string }> {
  return [...text.matchAll(/(\S+\.md) line \d+ still holds the placeholder "(.+?)"(?=;|:| fill|$)/g)].map((match) => ({
    file: match[1]!,
    placeholder: match[2]!,
  }));
}

/** What waits first (highest impact), as `leanos pending` lists it, read through the library. */
async function firstWaiting(workspace: string): Promise<Waiting | undefined> {
  return withLeanos(workspace, {}, async ({ runtime }) => (await runtime.pending())[0]);
}

/**
 * Approves what waits until every send template has sent (or the thread stops waiting), through the
 * library, each answer as bella. A person's own action reports its first outcome. With `fill`, a
 * send whose question names placeholders has them written over first, in the files, as the question
 * says: each with a figure on record.
 */
async function approveThroughSends(workspace: string, fill?: string): Promise<string[]> {
  const sent = new Set<string>();
  for (let step = 0; step < 12 && SEND_TYPES.some((type) => !sent.has(type)); step += 1) {
    const item = await firstWaiting(workspace);
    if (!item) break;
    const type = actionType(item);
    if (fill) {
      for (const { file, placeholder } of placeholdersNamed(item.question)) {
        const text = await readFile(join(workspace, file), "utf8");
        await writeFile(join(workspace, file), text.replace(placeholder, fill));
      }
      if (placeholdersNamed(item.question).length > 0)
        expect(await firstWaiting(workspace)).toMatchObject({ action_id: item.action_id });
    }
    await withLeanos(workspace, { user: "bella" }, (leanos) => leanos.approve(item.thread));
    if (type && SEND_TYPES.includes(type)) sent.add(type);
  }
  return [...sent].sort();
}

function expectOnlyPublishable(payloads: readonly Payload[]): void {
  for (const type of SEND_TYPES)
    expect(payloads.filter((payload) => payload.action_type === type).length, type).toBeGreaterThan(0);
  for (const payload of payloads) {
    expect(
      internalIn(payload.body),
      `${payload.action_type} ${payload.channel}${payload.scheduled_for ? ` ${payload.scheduled_for}` : ""}:\n${payload.body}`,
    ).toEqual([]);
    expect(payload.body.trim().length, payload.channel).toBeGreaterThan(150);
  }
}

describe("what a send sends", () => {
  it("knows the send templates: publishing and promotion", () => {
    expect(SEND_TYPES).toEqual(expect.arrayContaining(["marketing:publish", "marketing:promote"]));
  });

  it(
    "the sample workspace: every send template's payloads hold only the text to publish",
    { timeout: 180_000 },
    async () => {
      const workspace = await sampleCopy();
      await withLeanos(workspace, {}, (leanos) => leanos.event({ file: "events/01-elsaai-deal-closed.md" }));
      expect(await approveThroughSends(workspace)).toEqual(SEND_TYPES);
      const payloads = await outbox(workspace);
      expectOnlyPublishable(payloads);
      // The figure the event reports is published; each promotion post goes out on its own day, alone.
      for (const payload of payloads.filter((each) => each.action_type === "marketing:publish"))
        expect(payload.body).toContain("38%");
      const posts = payloads.filter((payload) => payload.action_type === "marketing:promote");
      expect(posts.map((post) => post.scheduled_for).sort()).toHaveLength(3);
      expect(new Set(posts.map((post) => post.body)).size).toBe(3);
    },
  );

  it(
    "a new workspace: a placeholder left in refuses the send, naming the document and the placeholder, and nothing reaches the outbox",
    { timeout: 180_000 },
    async () => {
      const workspace = join(await tempDir(), "acme");
      expect((await runCli(["init", workspace, "--company", "Acme", "--mode", "VENTURE"])).exitCode).toBe(0);
      // The event as `leanos event --help` prints it: no figure a case study could publish.
      await withLeanos(workspace, {}, (leanos) =>
        leanos.event({ text: "Acme deal closed: $40K ARR, 3-year term" }, { source: "contract.pdf" }),
      );
      let item = await firstWaiting(workspace);
      for (let step = 0; item && actionType(item) !== "marketing:publish" && step < 6; step += 1) {
        const thread = item.thread;
        await withLeanos(workspace, { user: "bella" }, (leanos) => leanos.approve(thread));
        item = await firstWaiting(workspace);
      }
      expect(item && actionType(item)).toBe("marketing:publish");
      // Bella looks at it (leanos pending, which records it as shown to her) before she answers below.
      expect(await waitingOn(workspace)).toMatchObject({ action_id: item!.action_id, question: item!.question });
      // The question says which document and which placeholder must be filled in before accepting.
      const named = placeholdersNamed(item!.question);
      expect(named.map((entry) => entry.file.replace(/^.*\//, ""))).toEqual(expect.arrayContaining(["linkedin.md"]));
      expect(named.map((entry) => entry.placeholder)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^\[Results? to be added once .* signs off the readout\.\]$/)]),
      );
      expect(item!.question).toMatch(/before accepting/);
      const meta = join(workspace, "threads", ...item!.thread.split("/"), "meta.json");
      const before = await readFile(meta, "utf8");

      const refused = await cli(workspace, ["approve", item!.thread]);
      expect(refused.exitCode).toBe(2);
      for (const { file, placeholder } of named) {
        expect(refused.stderr).toContain(file);
        expect(refused.stderr).toContain(`"${placeholder}"`);
      }
      expect(refused.stderr).toMatch(/nothing was sent/);
      expect(existsSync(join(workspace, "artifacts", "outbox"))).toBe(false);
      expect(await readFile(meta, "utf8")).toBe(before);
      expect(await waitingOn(workspace)).toMatchObject({ action_id: item!.action_id, question: item!.question });
    },
  );

  it(
    "a new workspace: once the placeholders are filled in, as the question says, every send template's payloads hold only the text to publish",
    { timeout: 180_000 },
    async () => {
      const workspace = join(await tempDir(), "acme");
      expect((await runCli(["init", workspace, "--company", "Acme", "--mode", "VENTURE"])).exitCode).toBe(0);
      await withLeanos(workspace, {}, (leanos) =>
        leanos.event({ text: "Acme deal closed: $40K ARR, 3-year term" }, { source: "contract.pdf" }),
      );
      const figure = "Returns fell 22% in the first month, against the same period a year before";
      expect(await approveThroughSends(workspace, figure)).toEqual(SEND_TYPES);
      const payloads = await outbox(workspace);
      expectOnlyPublishable(payloads);
      for (const payload of payloads.filter((each) => each.action_type === "marketing:publish"))
        expect(payload.body).toContain(figure);
    },
  );
});

describe("the actions gate holds the rule for any client", () => {
  it(
    "refuses an accept sent straight to the graph while a placeholder is left in, and asks again naming it",
    { timeout: 120_000 },
    async () => {
      const workspace = await sampleCopy();
      const runtime = await Runtime.open({ workspace, now: () => new Date("2026-11-27T09:00:00Z") });
      try {
        const started = await runtime.startEvent(
          await readEvent({ file: join(workspace, "events", "01-elsaai-deal-closed.md"), today: "2026-11-27" }),
        );
        await runtime.answer(started.thread, { type: "accept", args: null, by: "bella" });
        const { meta } = await runtime.resolve(started.thread);
        const config = { configurable: { thread_id: meta.id!, leanos_user: "inbox-user" } };
        const graph = await runtime.graph();
        const asked = async () => {
          const snapshot = await graph.getState(config);
          const interrupt = snapshot.tasks.flatMap((task) => task.interrupts)[0]!;
          return { payload: interrupt.value as GatePayload, id: interrupt.id! };
        };
        const publish = await asked();
        expect(publish.payload.leanos).toMatchObject({ kind: "actions", action_id: "act-3" });
        // Someone leaves a placeholder in the post to publish after the question was put.
        const post = join(workspace, "artifacts", "marketing", "campaigns", "elsaai-deal-closed", "linkedin.md");
        await writeFile(
          post,
          (await readFile(post, "utf8")).replace(/^Full case study: .*$/m, "Full case study: [link to the blog post]"),
        );

        await graph.invoke(new Command({ resume: [{ type: "accept", args: null, interrupt_id: publish.id }] }), {
          ...config,
          durability: "sync",
        });

        const again = await asked();
        expect(again.payload.leanos).toMatchObject({
          action_id: "act-3",
          refused: expect.stringContaining('still holds the placeholder "[link to the blog post]"'),
        });
        expect(again.payload.leanos.question).toContain("artifacts/marketing/campaigns/elsaai-deal-closed/linkedin.md");
        expect(again.payload.description).toContain("`[link to the blog post]`");
        expect(existsSync(join(workspace, "artifacts", "outbox"))).toBe(false);
      } finally {
        await runtime.close();
      }
    },
  );
});

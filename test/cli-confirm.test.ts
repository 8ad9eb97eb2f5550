import { spawnSync } from "node:child_process";
import { cp, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withShown, type ShownRecord } from "../src/approvals/shown.js";
import { questionToAnswer, withInterrupt, type QuestionCheck, type Terminal } from "../src/cli/confirm.js";
import type { PendingItem } from "../src/core/threadMeta.js";
import { differences, MAY_TOUCH, snapshot } from "./hostile/harness.js";
import { cliPath, eventFile, runCli, sampleCopy, tempDir } from "./helpers.js";
import { serve, type Served } from "./server/harness.js";

// `leanos approve THREAD` without --interrupt answers only a question its person has seen. A security
// review found that an approve racing the web inbox (which had approved act-3 meanwhile) approved
// act-4, a customer send nobody had looked at. What `pending`, `status THREAD` and `chat` show is
// recorded per person in .leanos/shown.json; any other question is shown and confirmed on a terminal,
// or refused with exit 2 where nobody can be asked.

const THREAD = "sales/elsaai-deal-closed";

interface Item {
  id: string;
  thread: string;
  kind: string;
  action_id?: string;
  question: string;
}

/** The sample workspace with the closed deal waiting at its decision gate; each test works on a copy. */
let waiting: string;
beforeAll(async () => {
  waiting = await sampleCopy();
  const started = await runCli([
    "--workspace",
    waiting,
    "--quiet",
    "event",
    "--file",
    eventFile("01-elsaai-deal-closed.md"),
  ]);
  if (started.exitCode !== 0) throw new Error(started.stderr);
}, 120_000);

async function copyOfWaiting(): Promise<string> {
  const workspace = await tempDir("leanos-confirm-");
  await cp(waiting, workspace, { recursive: true });
  return workspace;
}

/** The CLI on a workspace, as one person (LEANOS_USER). */
const as =
  (person: string, workspace: string) =>
  (...args: string[]) =>
    runCli(["--workspace", workspace, ...args], { env: { LEANOS_USER: person } });

async function pendingOf(workspace: string): Promise<Item[]> {
  const listed = await runCli(["--workspace", workspace, "--json", "pending", THREAD], {
    env: { LEANOS_USER: "nobody-in-particular" },
  });
  expect(listed.exitCode, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as Item[];
}

async function review(workspace: string, file: string): Promise<Record<string, unknown>> {
  return matter(await readFile(join(workspace, "threads", ...THREAD.split("/"), file), "utf8"), {}).data;
}

describe("approve without --interrupt, with no terminal to ask on", () => {
  it("refuses a question never shown to this person: exit 2, naming it and how to go on, and nothing on disk changes", async () => {
    const workspace = await copyOfWaiting();
    const [decision] = await pendingOf(workspace);
    const before = await snapshot(workspace, MAY_TOUCH);

    const bella = as("bella", workspace);
    const refused = await bella("approve", "elsaai");
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("has not been shown to you (bella)");
    expect(refused.stderr).toContain(decision!.question);
    expect(refused.stderr).toContain(`threads/${THREAD}/4-decision.md`);
    expect(refused.stderr).toContain(`--interrupt ${decision!.id}`);
    expect(refused.stderr).toContain("--yes");
    expect(refused.stderr).toContain(`to look first: leanos --workspace ${workspace} pending ${THREAD}`);
    expect(refused.stdout).toBe("");
    // The same for every answer: an edit, feedback, a rejection.
    expect((await bella("approve", "elsaai", "--edit", '{"verdict":"DEFER"}')).exitCode).toBe(2);
    expect((await bella("respond", "elsaai", "defer it")).exitCode).toBe(2);
    expect((await bella("reject", "elsaai", "--reason", "no publicity agreed")).exitCode).toBe(2);
    expect(differences(before, await snapshot(workspace, MAY_TOUCH))).toEqual([]);
  });

  it("answers the question leanos pending showed this person", async () => {
    const workspace = await copyOfWaiting();
    const bella = as("bella", workspace);
    const listed = await bella("pending");
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("decision");

    const approved = await bella("--json", "approve", "elsaai");
    expect(approved.exitCode, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({
      state: "waiting",
      pending: [expect.objectContaining({ action_id: "act-3" })],
    });
    expect(await review(workspace, "4-decision.md")).toMatchObject({ review: { answer: "accept", by: "bella" } });
  });

  it("refuses the next question when another process answered the one shown, naming it; --yes answers it", async () => {
    const workspace = await copyOfWaiting();
    const bella = as("bella", workspace);
    const [decision] = JSON.parse((await bella("--json", "pending")).stdout) as Item[];

    // Meanwhile the web inbox (another process, another person) approves the decision: act-3, a send, now waits.
    const inbox = await as("inbox", workspace)("--json", "approve", THREAD, "--interrupt", decision!.id);
    expect(inbox.exitCode, inbox.stderr).toBe(0);
    const [publish] = (JSON.parse(inbox.stdout) as { pending: Item[] }).pending;
    expect(publish).toMatchObject({ kind: "actions", action_id: "act-3" });
    const before = await snapshot(workspace, MAY_TOUCH);

    const blind = await bella("approve", "elsaai");
    expect(blind.exitCode).toBe(2);
    expect(blind.stderr).toContain("is not the one leanos showed you (bella)");
    expect(blind.stderr).toContain(publish!.question);
    expect(blind.stderr).toContain(`id: ${publish!.id}`);
    expect(blind.stderr).toContain(`leanos --workspace ${workspace} approve elsaai --interrupt ${publish!.id}`);
    expect(differences(before, await snapshot(workspace, MAY_TOUCH))).toEqual([]);

    // A script that means "whatever waits" says so.
    const scripted = await bella("--json", "approve", "elsaai", "--yes");
    expect(scripted.exitCode, scripted.stderr).toBe(0);
    expect(JSON.parse(scripted.stdout)).toMatchObject({ pending: [expect.objectContaining({ action_id: "act-4" })] });
    expect(
      await readFile(join(workspace, "threads", ...THREAD.split("/"), "5-actions", "execution-log.md"), "utf8"),
    ).toContain("act-3: approved by bella");
  });

  it("answers the question named in its refusal with the command it printed", async () => {
    const workspace = await copyOfWaiting();
    const refused = await as("bella", workspace)("approve", "elsaai");
    const printed = /to answer this very question \(only while it still waits\): leanos (.+)$/m.exec(
      refused.stderr,
    )?.[1];
    expect(printed, refused.stderr).toBeDefined();
    const again = await runCli(printed!.split(" "), { env: { LEANOS_USER: "bella" } });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await review(workspace, "4-decision.md")).toMatchObject({ review: { answer: "accept", by: "bella" } });
  });

  it("counts what leanos status THREAD showed, and only for the person it showed it to", async () => {
    const workspace = await copyOfWaiting();
    const status = await as("bella", workspace)("status", "elsaai");
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toContain("Waiting for a human:");
    expect(status.stdout).toContain("draft: threads/sales/elsaai-deal-closed/4-decision.md");

    const sam = await as("sam", workspace)("approve", "elsaai");
    expect(sam.exitCode).toBe(2);
    expect(sam.stderr).toContain("has not been shown to you (sam)");
    const bella = await as("bella", workspace)("reject", "elsaai", "--reason", "not before the rollout");
    expect(bella.exitCode, bella.stderr).toBe(0);
    expect(await review(workspace, "4-decision.md")).toMatchObject({ review: { answer: "reject", by: "bella" } });
  });

  it("counts what leanos chat showed in full, even when it was skipped there", async () => {
    const workspace = await copyOfWaiting();
    const session = await runCli(["--workspace", workspace, "chat"], {
      input: "skip\nquit\n",
      env: { LEANOS_USER: "bella" },
    });
    expect(session.exitCode, session.stderr).toBe(0);
    const responded = await as("bella", workspace)("--json", "respond", "elsaai", "DEFER until the rollout is live");
    expect(responded.exitCode, responded.stderr).toBe(0);
    expect(await review(workspace, "4-decision.md")).toMatchObject({ review: { answer: "respond" } });
  });

  it("answers with --interrupt ID as before, without anything shown", async () => {
    const workspace = await copyOfWaiting();
    const [decision] = await pendingOf(workspace);
    const stale = await as("bella", workspace)("approve", "elsaai", "--interrupt", "0123456789abcdef0123456789abcdef");
    expect(stale.exitCode).toBe(2);
    expect(stale.stderr).toContain("answered elsewhere");
    const pinned = await as("bella", workspace)("approve", "elsaai", "--interrupt", decision!.id);
    expect(pinned.exitCode, pinned.stderr).toBe(0);
  });

  it("still says when nothing waits, and changes nothing", async () => {
    const workspace = await sampleCopy();
    const started = JSON.parse(
      (
        await runCli([
          "--workspace",
          workspace,
          "--json",
          "event",
          "--file",
          eventFile("06-competitor-launch-fitmirror.md"),
        ])
      ).stdout,
    ) as { thread: string; state: string };
    expect(started.state).toBe("done");
    const before = await snapshot(workspace, MAY_TOUCH);
    const result = await as("bella", workspace)("approve", started.thread);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`nothing waits on thread ${started.thread}`);
    expect(differences(before, await snapshot(workspace, MAY_TOUCH))).toEqual([]);
  });
});

describe("approve without --interrupt through a LangGraph server (--server)", () => {
  let served: Served;
  let workspace: string;
  let home: string;
  beforeAll(async () => {
    workspace = await sampleCopy();
    home = await tempDir("leanos-home-");
    served = await serve(workspace);
  }, 60_000);
  afterAll(async () => {
    await served?.stop();
  });

  it("goes through the same check: refused until leanos --server pending shows the question, then answered; the record is the user's (~/.leanos)", async () => {
    const token = await served.token("bella");
    const cli = (...args: string[]) =>
      runCli(["--server", served.apiUrl, "--json", ...args], {
        env: { LEANOS_USER: "bella", LANGGRAPH_API_KEY: token, HOME: home },
      });
    const started = await cli("event", "--file", eventFile("01-elsaai-deal-closed.md"));
    expect(started.exitCode, started.stderr).toBe(0);
    const { thread, pending } = JSON.parse(started.stdout) as { thread: string; pending: Item[] };

    const blind = await cli("approve", thread);
    expect(blind.exitCode).toBe(2);
    expect(blind.stderr).toContain("has not been shown to you (bella)");
    expect(blind.stderr).toContain(`--interrupt ${pending[0]!.id}`);
    expect((await cli("pending", thread)).exitCode).toBe(0);
    const approved = await cli("approve", thread);
    expect(approved.exitCode, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({
      thread,
      pending: [expect.objectContaining({ action_id: "act-3" })],
    });
    expect(JSON.parse(await readFile(join(home, ".leanos", "shown.json"), "utf8"))).toMatchObject({
      shown: [{ thread, ids: [pending[0]!.id], by: "bella", server: served.apiUrl }],
    });
  }, 90_000);
});

describe("the record of what was shown (.leanos/shown.json)", () => {
  it("is written by pending, text and --json alike, and not rewritten when the same questions are listed again", async () => {
    const workspace = await copyOfWaiting();
    const record = join(workspace, ".leanos", "shown.json");
    const listed = await as("bella", workspace)("--json", "pending");
    expect(listed.exitCode).toBe(0);
    const [decision] = JSON.parse(listed.stdout) as Item[];
    const first = await readFile(record, "utf8");
    expect(JSON.parse(first)).toEqual({
      version: 1,
      shown: [{ thread: THREAD, ids: [decision!.id], by: "bella", at: expect.any(String) }],
    });
    expect((await as("bella", workspace)("pending")).exitCode).toBe(0);
    expect(await readFile(record, "utf8")).toBe(first);
  });

  it("never makes pending fail when it cannot be written; the answer then asks again", async () => {
    const workspace = await copyOfWaiting();
    // A folder where the file should be: the rename onto it fails, as on a read-only mount.
    await mkdir(join(workspace, ".leanos", "shown.json", "in-the-way"), { recursive: true });
    const listed = await as("bella", workspace)("pending");
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("decision");
    expect(listed.stderr).toContain("what was shown is not recorded");
    expect((await as("bella", workspace)("approve", "elsaai")).exitCode).toBe(2);
  });

  it("keeps one entry per person and thread, drops threads no longer waiting when the whole list is shown, and keeps when a question was first shown", () => {
    const item = (thread: string, id: string): PendingItem => ({
      thread,
      id,
      kind: "impact",
      node: "gate_decision",
      stage: "decision",
      question: "?",
      impact: 0.9,
      allowed: ["accept"],
    });
    const place = { root: "/ws", by: "bella" };
    const t1 = new Date("2026-11-20T09:00:00Z");
    const t2 = new Date("2026-11-21T09:00:00Z");
    let record: ShownRecord = { version: 1, shown: [] };
    record = withShown(record, place, [item("sales/a", "a1"), item("sales/b", "b1")], { all: true }, t1);
    record = withShown(record, { ...place, by: "sam" }, [item("sales/a", "a1")], { threads: ["sales/a"] }, t1);
    // Later the whole list: b is done, a has a new question, c is new.
    record = withShown(record, place, [item("sales/a", "a2"), item("sales/c", "c1")], { all: true }, t2);
    expect(record.shown).toEqual([
      { thread: "sales/a", ids: ["a1"], by: "sam", at: t1.toISOString() },
      { thread: "sales/a", ids: ["a2"], by: "bella", at: t2.toISOString() },
      { thread: "sales/c", ids: ["c1"], by: "bella", at: t2.toISOString() },
    ]);
    // The same questions again keep their time; a server's threads are kept apart from the workspace's.
    const again = withShown(
      record,
      place,
      [item("sales/a", "a2"), item("sales/c", "c1")],
      { all: true },
      new Date("2026-11-22T09:00:00Z"),
    );
    expect(again).toEqual(record);
    const served = withShown(record, { ...place, server: "http://127.0.0.1:2024" }, [], { all: true }, t2);
    expect(served.shown).toHaveLength(3);
  });
});

describe("approve without --interrupt, on a terminal", () => {
  const check = (
    over: Partial<QuestionCheck>,
    replies: Array<string | undefined>,
  ): { check: QuestionCheck; shown: string[]; confirmed: PendingItem[] } => {
    const shown: string[] = [];
    const confirmed: PendingItem[] = [];
    // What the terminal showed, without colours.
    const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, "");
    const terminal: Terminal = {
      interactive: true,
      show: (text) => shown.push(plain(text)),
      ask: async (prompt) => (shown.push(prompt), replies.shift()),
    };
    const item: PendingItem = {
      thread: THREAD,
      id: "act4id",
      kind: "actions",
      node: "gate_actions",
      stage: "actions",
      action_id: "act-4",
      question: "Approve act-4 marketing:promote?",
      impact: 0.85,
      allowed: ["accept", "edit", "reject"],
      draft: "artifacts/x.md",
    };
    return {
      check: {
        waiting: { thread: THREAD, state: "waiting", pending: [item], next: "" },
        shown: { thread: THREAD, ids: ["act3id"], by: "bella", at: "2026-11-20T09:00:00Z" },
        by: "bella",
        answer: "accept",
        pinned: (id) => withInterrupt(["approve", "elsaai"], id),
        look: `leanos pending ${THREAD}`,
        terminal,
        confirmed: async (confirmedItem) => void confirmed.push(confirmedItem),
        ...over,
      },
      shown,
      confirmed,
    };
  };

  it("shows the question waiting now (thread, kind, question, impact, draft) and answers it, named, on y", async () => {
    const { check: asked, shown, confirmed } = check({}, ["y"]);
    expect(await questionToAnswer(asked)).toBe("act4id");
    expect(shown.join("\n")).toMatch(/sales\/elsaai-deal-closed\s+actions? act-4\s+impact 0.85/);
    expect(shown.join("\n")).toContain("Approve act-4 marketing:promote?");
    expect(shown.join("\n")).toContain("draft: artifacts/x.md");
    expect(shown.at(-1)).toBe("Accept it? [y/N] ");
    expect(confirmed.map((item) => item.id)).toEqual(["act4id"]);
  });

  it("answers nothing on anything but yes (no, Enter, end of input)", async () => {
    for (const reply of ["n", "", undefined, "sure"]) {
      const { check: asked, confirmed } = check({}, [reply]);
      await expect(questionToAnswer(asked)).rejects.toThrow("nothing was changed");
      expect(confirmed).toEqual([]);
    }
  });

  it("does not ask about the question it showed", async () => {
    const { check: asked, shown } = check(
      { shown: { thread: THREAD, ids: ["act4id"], by: "bella", at: "2026-11-20T09:00:00Z" } },
      [],
    );
    expect(await questionToAnswer(asked)).toBe("act4id");
    expect(shown).toEqual([]);
  });

  it("prints a command that a shell reads back as given, with --interrupt before a `--` that ends the options", () => {
    expect(withInterrupt(["-w", "/tmp/my ws", "approve", "elsaai", "--edit", '{"verdict":"DEFER"}'], "abc")).toBe(
      `leanos -w '/tmp/my ws' approve elsaai --edit '{"verdict":"DEFER"}' --interrupt abc`,
    );
    expect(withInterrupt(["respond", "elsaai", "--", "-30% is fine, it's agreed"], "abc")).toBe(
      `leanos respond elsaai --interrupt abc -- '-30% is fine, it'\\''s agreed'`,
    );
  });

  const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
  it.skipIf(!hasScript)("asks on a real terminal (util-linux script gives the CLI one)", async () => {
    const workspace = await copyOfWaiting();
    const before = await snapshot(workspace, MAY_TOUCH);
    const onTerminal = (reply: string) =>
      spawnSync(
        "script",
        ["-qec", `${process.execPath} ${cliPath} --workspace ${workspace} approve elsaai`, "/dev/null"],
        {
          input: reply,
          encoding: "utf8",
          env: { ...process.env, LEANOS_USER: "bella", LEANOS_WORKSPACE: "", ANTHROPIC_API_KEY: "", NO_COLOR: "1" },
          timeout: 60_000,
        },
      );
    const declined = onTerminal("n\n");
    expect(declined.status, declined.stdout).toBe(2);
    expect(declined.stdout).toContain("Accept it? [y/N]");
    expect(declined.stdout).toContain("sales/elsaai-deal-closed keeps waiting; nothing was changed");
    expect(differences(before, await snapshot(workspace, MAY_TOUCH))).toEqual([]);

    const accepted = onTerminal("y\n");
    expect(accepted.status, accepted.stdout).toBe(0);
    expect(await review(workspace, "4-decision.md")).toMatchObject({ review: { answer: "accept", by: "bella" } });
  });
});

import { existsSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { readFile, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import matter from "gray-matter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, prepared, runCli, sampleCopy, tempDir } from "./helpers.js";
import { startFakeAnthropic, type FakeAnthropic } from "./fakeAnthropic.js";

interface Answered {
  thread?: string;
  kind?: string;
  answer?: string;
  event?: string;
  state?: string;
  changed?: string[];
  edits?: Record<string, unknown>;
  outcome?: string;
  reason?: string;
}

const ELSA = "sales/elsaai-deal-closed";
const NORDSTIL = "sales/lost-deal-nordstil-chose-vestio";

/** The closed deal and the lost deal, each waiting for a person (made once; each test has a copy). */
const twoWaiting = prepared(async () => {
  const workspace = await sampleCopy();
  for (const event of ["01-elsaai-deal-closed.md", "02-lost-deal-nordstil.md"]) {
    const result = await runCli(["--workspace", workspace, "-q", "event", "--file", join(workspace, "events", event)]);
    expect(result.exitCode, result.stderr).toBe(0);
  }
  return workspace;
});

async function chat(
  workspace: string,
  lines: string[],
  env: Record<string, string> = {},
): Promise<{ exitCode: number; records: Answered[]; text: string }> {
  const result = await runCli(["--workspace", workspace, "--json", "chat"], {
    input: `${lines.join("\n")}\n`,
    env: { LEANOS_USER: "bella", ...env },
  });
  const records = result.stdout
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Answered);
  return { exitCode: result.exitCode, records, text: result.stderr };
}

const front = async (workspace: string, thread: string, file: string) =>
  matter(await readFile(join(workspace, "threads", ...thread.split("/"), file), "utf8"), {}).data;

describe("leanos chat driven through piped stdin", () => {
  it("walks through what waits: respond, edit, reject, skip, a new event, and a reported outcome", async () => {
    const workspace = await twoWaiting();
    const session = await chat(workspace, [
      "frobnicate",
      "edit colour red",
      "edit verdict MAYBE",
      "respond DEFER until the rollout is live",
      "edit verdict PROCEED",
      "edit confidence 85",
      "edit A4.confidence 85",
      "reject",
      "not before the customer agrees",
      "skip",
      "event: Inbound demo request from Atelier Rouge, a Paris luxury house: VP Digital Commerce Camille Durand says the online return rate on ready-to-wear is about 29%, ready-to-wear is over 40% of online sales, they run Salesforce Commerce Cloud and accept EU single-tenant cloud hosting; she wants a white-label demo.",
      "qualified",
      "quit",
    ]);
    expect(session.exitCode).toBe(0);
    // It opens with the list, highest impact first, then shows each item's question, why and material.
    expect(session.text).toMatch(
      /2 item\(s\) wait, highest impact first:\n\s+1\. \[0\.87\] decision\s+sales\/elsaai-deal-closed\n\s+2\. \[0\.54\] action\s+sales\/lost-deal-nordstil-chose-vestio act-2/,
    );
    expect(session.text).toContain("impact 0.87 (VENTURE) = mean of strategic value");
    expect(session.text).toContain("assumptions: A5 validates 65% → 80%; A4 validates 60% → 75%");
    expect(session.text).toContain("Material: threads/sales/elsaai-deal-closed/4-decision.md");
    // Bad input is explained and the item keeps waiting.
    expect(session.text).toContain('"frobnicate" is not a command I know');
    expect(session.text).toContain('"colour" is not a field of this item');
    expect(session.text).toMatch(/verdict: Invalid option/);
    expect(session.text).toContain('"confidence" could be A5.confidence or A4.confidence: say which');
    // The new event's progress names its files from the workspace, each one that exists.
    const done = [...session.text.matchAll(/✓ .*$/gm)].map((match) => match[0]);
    const shown = done.flatMap((line) => [...line.matchAll(/\b[\w.-]+\/[^\s,]+/g)].map((match) => match[0]));
    expect(shown).toContain("threads/sales/inbound-demo-request-atelier-rouge/1-input.md");
    for (const path of shown) expect(existsSync(join(workspace, path)), path).toBe(true);

    expect(
      session.records.map((record) => [
        record.thread,
        record.event === undefined ? record.kind : "new event",
        record.answer,
      ]),
    ).toEqual([
      [ELSA, "impact", "respond"],
      [ELSA, "impact", "edit"],
      [ELSA, "canvas", "edit"],
      [ELSA, "opportunities", "reject"],
      [NORDSTIL, "actions", "skip"],
      ["sales/inbound-demo-request-atelier-rouge", "new event", undefined],
      ["sales/inbound-demo-request-atelier-rouge", "actions", "accept"],
    ]);
    // respond: the decision was redrafted with the feedback and the change was shown.
    expect(session.records[0]!.changed).toEqual(expect.arrayContaining(["-verdict: PROCEED", "+verdict: DEFER"]));
    expect(session.text).toContain("Redrafted with your feedback; what changed");
    expect(await front(workspace, ELSA, "4-decision.md")).toMatchObject({
      review: { answer: "edit", by: "bella" },
      output: { verdict: "PROCEED" },
    });
    // edit on the canvas item wrote the edited confidence.
    expect(await readFile(join(workspace, "strategy", "canvas", "10-assumptions.md"), "utf8")).toContain(
      "**Confidence:** 85% (previously: 60%)",
    );
    expect(session.records[3]).toMatchObject({ reason: "not before the customer agrees" });
    expect(session.records[6]).toMatchObject({ outcome: "qualified" });
    // The skipped item still waits; the reported outcome moved the new lead to its demo.
    const pending = JSON.parse((await runCli(["--workspace", workspace, "--json", "pending"])).stdout) as Array<{
      thread: string;
      action_id?: string;
      question: string;
    }>;
    expect(pending.map((item) => [item.thread, item.action_id])).toEqual(
      expect.arrayContaining([
        [NORDSTIL, "act-2"],
        ["sales/inbound-demo-request-atelier-rouge", "act-3"],
      ]),
    );
  });

  it("says what still waits when input ends in the middle of an item, and changes nothing", async () => {
    const workspace = await twoWaiting();
    const before = await runCli(["--workspace", workspace, "--json", "pending"]);
    const session = await chat(workspace, ["help"]);
    expect(session.exitCode).toBe(0);
    expect(session.text).toContain("Input ended; sales/elsaai-deal-closed (decision) still waits.");
    expect(session.records).toEqual([]);
    expect((await runCli(["--workspace", workspace, "--json", "pending"])).stdout).toBe(before.stdout);
  });

  it("uses the text saved in $EDITOR for an edit", async () => {
    const workspace = await twoWaiting();
    const editor = join(await tempDir(), "editor.sh");
    await writeFile(editor, '#!/bin/sh\nsed -i "s/^verdict: PROCEED$/verdict: INVESTIGATE/" "$1"\n');
    await chmod(editor, 0o755);
    const session = await chat(workspace, ["edit", "quit"], { EDITOR: editor });
    expect(session.records[0]).toMatchObject({
      thread: ELSA,
      kind: "impact",
      answer: "edit",
      edits: { verdict: "INVESTIGATE" },
    });
    expect(await front(workspace, ELSA, "4-decision.md")).toMatchObject({ output: { verdict: "INVESTIGATE" } });
  });

  it("tells a session that its item was answered elsewhere, and changes nothing", async () => {
    const workspace = await twoWaiting();
    const session = execa(process.execPath, [cliPath, "--workspace", workspace, "chat"], {
      env: { ANTHROPIC_API_KEY: "", NO_COLOR: "1" },
      reject: false,
    });
    let seen = "";
    session.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
    });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (seen.includes("Answers:")) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    // Another person looks at what waits and approves it from another process.
    await runCli(["--workspace", workspace, "pending"], { env: { LEANOS_USER: "other-session" } });
    const other = await runCli(["--workspace", workspace, "approve", ELSA], { env: { LEANOS_USER: "other-session" } });
    expect(other.exitCode, other.stderr).toBe(0);
    session.stdin!.write("accept\nquit\n");
    session.stdin!.end();
    const done = await session;
    expect(String(done.stdout)).toContain("That was answered elsewhere in the meantime; nothing was changed here.");
    expect(await front(workspace, ELSA, "4-decision.md")).toMatchObject({ review: { by: "other-session" } });
    // The publish action the other answer led to was not approved by this session's "accept".
    const pending = JSON.parse((await runCli(["--workspace", workspace, "--json", "pending", ELSA])).stdout) as Array<{
      kind: string;
      action_id?: string;
    }>;
    expect(pending).toEqual([expect.objectContaining({ kind: "actions", action_id: "act-3" })]);
  });
});

describe("leanos chat with a real model reading free text", () => {
  let server: FakeAnthropic;
  beforeAll(async () => {
    server = await startFakeAnthropic();
  });
  afterAll(() => server.close());

  it("reads feedback as respond, asks to confirm a model-read approval, and asks back when unsure", async () => {
    const workspace = await twoWaiting();
    server.reset();
    server.script.set("read_reply", [
      { tool: { intent: "respond", text: "DEFER until the rollout is live, and cut it to 800 words", certain: true } },
      { tool: { intent: "accept", certain: true } },
      { tool: { intent: "accept", certain: false } },
    ]);
    const session = await chat(
      workspace,
      [
        "looks good but DEFER until the rollout is live and cut it to 800 words",
        "sure, go ahead I guess",
        "hmm, maybe",
        "quit",
      ],
      {
        ANTHROPIC_API_KEY: "test-key",
        LEANOS_ANTHROPIC_URL: server.url,
      },
    );
    expect(session.records.map((record) => record.answer)).toEqual(["respond"]);
    expect(session.text).toContain('I read that as: accept. Type "yes" to confirm.');
    expect(session.text).toContain("I am not sure what you mean (the reply could be read more than one way)");
    const decision = await front(workspace, ELSA, "4-decision.md");
    expect(decision).toMatchObject({
      review: { answer: "respond", feedback: "DEFER until the rollout is live, and cut it to 800 words" },
    });
    // Nothing was approved: the decision still waits.
    const pending = JSON.parse((await runCli(["--workspace", workspace, "--json", "pending", ELSA])).stdout) as Array<{
      kind: string;
    }>;
    expect(pending.map((item) => item.kind)).toEqual(["impact"]);
    expect(server.requests.map((request) => request.tool)).toEqual(["read_reply", "read_reply", "read_reply"]);
    expect(JSON.stringify(server.requests[0]!.body.messages)).toContain("cut it to 800 words");
  });
});

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

describe("leanos chat in a terminal", () => {
  // CI installs tmux (.ci/run); elsewhere the test needs it on the machine.
  it.runIf(hasTmux || process.env.CI)(
    "shows a person the item, the answers and a prompt, and takes typed answers",
    async () => {
      const workspace = await twoWaiting();
      const session = `leanos-chat-${process.pid}`;
      const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });
      const screen = () => tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", session);
      const waitFor = async (text: string): Promise<string> => {
        for (let attempt = 0; attempt < 100; attempt += 1) {
          const shown = screen();
          if (shown.includes(text)) return shown;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`the terminal never showed "${text}":\n${screen()}`);
      };
      tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "160",
        "-y",
        "50",
        `env LEANOS_USER=bella ANTHROPIC_API_KEY= ${process.execPath} ${cliPath} --workspace ${workspace} chat`,
      );
      try {
        const first = await waitFor("> ");
        expect(first).toContain("2 item(s) wait, highest impact first:");
        expect(first).toContain("sales/elsaai-deal-closed · decision · impact 0.87");
        expect(first).toContain("Answers: accept · edit FIELD VALUE");
        tmux("send-keys", "-t", session, "accept", "Enter");
        const second = await waitFor("Approve act-3 marketing:publish");
        expect(second).toContain("Accepted. sales/elsaai-deal-closed: waiting");
        tmux("send-keys", "-t", session, "quit", "Enter");
        for (
          let attempt = 0;
          attempt < 50 && spawnSync("tmux", ["has-session", "-t", session]).status === 0;
          attempt += 1
        ) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        spawnSync("tmux", ["kill-session", "-t", session]);
      }
      expect(await front(workspace, ELSA, "4-decision.md")).toMatchObject({
        review: { answer: "accept", by: "bella" },
      });
    },
  );
});

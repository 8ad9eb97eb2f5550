import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { describe, expect, it } from "vitest";
import { AuditLog, type AuditEntry } from "../src/audit/log.js";
import { readEvent } from "../src/stages/readEvent.js";
import { Runtime } from "../src/runtime/engine.js";
import { daysAfter, prepared, runCli, sampleCopy } from "./helpers.js";
import { passInProcess } from "./library.js";

const ASSUMPTIONS = join("strategy", "canvas", "10-assumptions.md");
const METRICS = join("strategy", "canvas", "13-metrics.md");
const THREAD = "sales/elsaai-deal-closed";

/** Runs the closed deal up to its canvas gate: the decision, publish and promote approved, then the day-7 and day-30 passes. */
async function atCanvasGate(options: { git?: boolean } = {}): Promise<string> {
  const workspace = await sampleCopy();
  if (options.git) {
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", workspace, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { stdio: "ignore" });
    git("init", "--quiet");
    git("add", "-A");
    git("commit", "--quiet", "-m", "start");
  }
  const runtime = await Runtime.open({ workspace, provider: "offline" });
  try {
    await runtime.startEvent(
      await readEvent({ file: join(workspace, "events", "01-elsaai-deal-closed.md"), today: "2026-11-25" }),
    );
    await runtime.answer(THREAD, { type: "accept", args: null, by: "bella" });
    await runtime.answer(THREAD, { type: "accept", args: null, by: "bella" });
    const scheduled = await runtime.answer(THREAD, { type: "accept", args: null, by: "bella" });
    // The campaign is measured on day 7 and day 30; then the thread learns.
    expect(scheduled.state).toBe("scheduled");
  } finally {
    await runtime.close();
  }
  const today = new Date().toISOString().slice(0, 10);
  await passInProcess(workspace, `${daysAfter(today, 7)}T08:00:00Z`);
  await passInProcess(workspace, `${daysAfter(today, 30)}T08:00:00Z`);
  // Bella looks at what waits (pending records it as shown to her), so her answers below are to this question.
  const pending = JSON.parse(
    (await runCli(["--workspace", workspace, "--json", "pending"], { env: { LEANOS_USER: "bella" } })).stdout,
  ) as Array<{ kind: string }>;
  expect(pending.map((item) => item.kind)).toEqual(["canvas"]);
  return workspace;
}

/** The closed deal at its canvas gate, in a workspace that is not a git repository (made once; each test has a copy). */
const canvasGate = prepared(() => atCanvasGate());

const read = (workspace: string, path: string) => readFile(join(workspace, path), "utf8");
const learningFront = async (workspace: string) =>
  matter(await read(workspace, join("threads", "sales", "elsaai-deal-closed", "6-learning.md")), {}).data;

function changed(before: string, after: string): string[] {
  const a = before.split("\n");
  return after.split("\n").filter((line, index) => line !== a[index]);
}

describe("the canvas gate", () => {
  it("shows a unified diff of 10-assumptions.md and 13-metrics.md and waits, whatever the impact", async () => {
    const workspace = await canvasGate();
    const pending = JSON.parse((await runCli(["--workspace", workspace, "--json", "pending"])).stdout) as Array<{
      kind: string;
      diff: string;
      question: string;
    }>;
    expect(pending).toHaveLength(1);
    expect(pending[0]!.kind).toBe("canvas");
    expect(pending[0]!.diff).toContain("--- a/strategy/canvas/10-assumptions.md");
    expect(pending[0]!.diff).toContain("-**Confidence:** 60% (previously: 40%)");
    expect(pending[0]!.diff).toContain("+**Confidence:** 75% (previously: 60%)");
    expect(pending[0]!.diff).toContain(
      "+**Evidence:** threads/sales/maison-verre-pilot, threads/sales/elsaai-deal-closed",
    );
    expect(pending[0]!.diff).toContain("+| ARR | $4.76M | $6.0M | up from $2.71M |");
    expect(pending[0]!.question).toMatch(/A4 confidence 60% -> 75%/);
  });

  it("on accept changes just the right fields, links the evidence and commits in a git workspace", async () => {
    const workspace = await atCanvasGate({ git: true });
    const before = await read(workspace, ASSUMPTIONS);
    const result = await runCli(
      ["--workspace", workspace, "--json", "--now", "2026-11-26T09:00:00Z", "approve", THREAD],
      { env: { LEANOS_USER: "bella" } },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const after = await read(workspace, ASSUMPTIONS);
    const lines = changed(before, after);
    expect(lines).toEqual(
      expect.arrayContaining([
        "**Status:** VALIDATED",
        "**Confidence:** 75% (previously: 60%)",
        "**Confidence:** 80% (previously: 65%)",
        "**Evidence:** threads/sales/maison-verre-pilot, threads/sales/elsaai-deal-closed",
        "**Last validated:** 2026-11-26",
      ]),
    );
    // A5 (46 days against a bar of under 60) changes status, confidence, evidence and last validation;
    // A4 has no measured bar, so it keeps its status and moves its confidence by one event's most:
    // seven lines, nothing else.
    expect(lines).toHaveLength(7);
    expect(after).toContain("### A4: Luxury brands prefer a white-label SDK\n**Status:** TESTING\n");
    expect(await read(workspace, METRICS)).toContain("| ARR | $4.76M |");
    const log = execFileSync("git", ["-C", workspace, "log", "-1", "--format=%s%n%b", "--name-only"], {
      encoding: "utf8",
    });
    expect(log).toContain("Canvas: validated A5, strengthened A4, updated ARR via threads/sales/elsaai-deal-closed");
    expect(log).toContain("strategy/canvas/10-assumptions.md");
    expect(log).toContain("strategy/canvas/13-metrics.md");
    expect(await learningFront(workspace)).toMatchObject({
      canvas_review: { answer: "accept", by: "bella", commit: expect.stringMatching(/^[0-9a-f]{40}$/) },
    });

    const history = JSON.parse(
      (await runCli(["--workspace", workspace, "--json", "canvas", "--history", "A4"])).stdout,
    ) as { history: Array<Record<string, string>> };
    expect(history.history).toEqual([expect.objectContaining({ thread: THREAD, from: "60%", to: "75%", by: "bella" })]);
    const table = JSON.parse((await runCli(["--workspace", workspace, "--json", "canvas"])).stdout) as Array<
      Record<string, unknown>
    >;
    expect(table.find((row) => row.id === "A4")).toMatchObject({
      status: "TESTING",
      confidence: 75,
      evidence: ["threads/sales/maison-verre-pilot", "threads/sales/elsaai-deal-closed"],
    });

    await runCli(["--workspace", workspace, "--now", "2026-11-26T09:30:00Z", "today"]);
    expect(await read(workspace, join("ops", "today.md"))).toContain("**A4** confidence 60% → 75%");
  });

  it("on reject leaves the canvas untouched and records why in 6-learning.md", async () => {
    const workspace = await canvasGate();
    const before = [await read(workspace, ASSUMPTIONS), await read(workspace, METRICS)];
    const result = await runCli(
      ["--workspace", workspace, "--json", "reject", THREAD, "--reason", "one deal is not enough for 95%"],
      { env: { LEANOS_USER: "bella" } },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect([await read(workspace, ASSUMPTIONS), await read(workspace, METRICS)]).toEqual(before);
    expect(await learningFront(workspace)).toMatchObject({
      canvas_review: { answer: "reject", reason: "one deal is not enough for 95%" },
    });
    expect(await read(workspace, join("threads", "sales", "elsaai-deal-closed", "6-learning.md"))).toContain(
      "canvas left unchanged because: one deal is not enough for 95%",
    );
  });

  it("applies an edited confidence instead of the proposed one, and refuses an impossible one", async () => {
    const workspace = await canvasGate();
    const before = await read(workspace, ASSUMPTIONS);
    const refused = await runCli(["--workspace", workspace, "approve", THREAD, "--edit", '{"A4.confidence": 140}'], {
      env: { LEANOS_USER: "bella" },
    });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/A4\.confidence: confidence must be a whole number from 0 to 100/);
    const unknown = await runCli(["--workspace", workspace, "approve", THREAD, "--edit", '{"A9.confidence": 50}'], {
      env: { LEANOS_USER: "bella" },
    });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/"A9.confidence" is not part of this canvas update/);
    expect(await read(workspace, ASSUMPTIONS)).toBe(before);

    const edited = await runCli(
      [
        "--workspace",
        workspace,
        "--json",
        "approve",
        THREAD,
        "--edit",
        '{"A4.confidence": 70, "A5.status": "TESTING"}',
      ],
      { env: { LEANOS_USER: "bella" } },
    );
    expect(edited.exitCode, edited.stderr).toBe(0);
    const after = await read(workspace, ASSUMPTIONS);
    expect(after).toContain("**Confidence:** 70% (previously: 60%)");
    expect(after).toMatch(/### A5: [^\n]+\n\*\*Status:\*\* TESTING\n/);
  });
});

describe("the audit log and leanos usage", () => {
  it("records model calls, gates asked and answered, files written and canvas changes", async () => {
    const workspace = await canvasGate();
    await runCli(["--workspace", workspace, "approve", THREAD], { env: { LEANOS_USER: "bella" } });
    const entries = await new AuditLog(workspace, join(workspace, ".leanos", "audit.jsonl")).read();
    const kinds = (kind: AuditEntry["kind"]) => entries.filter((entry) => entry.kind === kind);
    expect(kinds("thread-started")).toHaveLength(1);
    expect(kinds("model-call").map((entry) => (entry as { stage: string }).stage)).toEqual([
      "input",
      "hypothesis",
      "implication",
      "decision",
      "actions",
      "learning",
    ]);
    expect(kinds("gate-asked").map((entry) => (entry as { gate: string }).gate)).toEqual([
      "impact",
      "actions",
      "actions",
      "canvas",
    ]);
    expect(
      kinds("gate-answered").map((entry) => [(entry as { gate: string }).gate, (entry as { by: string }).by]),
    ).toEqual([
      ["impact", "bella"],
      ["actions", "bella"],
      ["actions", "bella"],
      ["canvas", "bella"],
    ]);
    expect(kinds("file-written").map((entry) => (entry as { path: string }).path)).toContain(
      `threads/${THREAD}/4-decision.md`,
    );
    expect(kinds("canvas-change")).toContainEqual(
      expect.objectContaining({ assumption: "A4", field: "confidence", from: "60%", to: "75%", by: "bella" }),
    );

    const usage = JSON.parse((await runCli(["--workspace", workspace, "--json", "usage", THREAD])).stdout) as {
      total: { calls: number; cost_usd: number };
      by_model: Array<{ key: string }>;
    };
    expect(usage.total).toMatchObject({ calls: 6, cost_usd: 0 });
    expect(usage.by_model.map((line) => line.key)).toEqual(["offline:rules-v1"]);
  });
});

describe("a canvas leanos cannot safely update stops everything with exit 2 and writes nothing", () => {
  it.each([
    [
      "without 10-assumptions.md",
      async (workspace: string) => rm(join(workspace, ASSUMPTIONS)),
      /no assumptions section in strategy\/canvas .*looked for 10-assumptions\.md, 10\.assumptions\.md/,
    ],
    [
      "with a duplicate assumption id",
      async (workspace: string) =>
        writeFile(
          join(workspace, ASSUMPTIONS),
          `${await read(workspace, ASSUMPTIONS)}\n### A4: Again\n**Status:** DRAFT\n**Hypothesis:** h\n**Confidence:** 10%\n`,
        ),
      /10-assumptions\.md:\d+: duplicate assumption id A4/,
    ],
    [
      "with a confidence of 140%",
      async (workspace: string) =>
        writeFile(
          join(workspace, ASSUMPTIONS),
          (await read(workspace, ASSUMPTIONS)).replace(
            "**Confidence:** 60% (previously: 40%)",
            "**Confidence:** 140% (previously: 40%)",
          ),
        ),
      /10-assumptions\.md:\d+: assumption A4: confidence 140% is outside 0-100%/,
    ],
  ])("a canvas %s", async (_case, spoil, message) => {
    const workspace = await sampleCopy();
    await spoil(workspace);
    const result = await runCli([
      "--workspace",
      workspace,
      "event",
      "--file",
      join(workspace, "events", "01-elsaai-deal-closed.md"),
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(workspace, "threads"))).toBe(false);
    expect(existsSync(join(workspace, ".leanos", "audit.jsonl"))).toBe(false);
  });

  it("leanos canvas still lists the entries that parse, and names the bad one", async () => {
    const workspace = await sampleCopy();
    await writeFile(
      join(workspace, ASSUMPTIONS),
      (await read(workspace, ASSUMPTIONS)).replace(
        "**Confidence:** 60% (previously: 40%)",
        "**Confidence:** 140% (previously: 40%)",
      ),
    );
    const result = await runCli(["--workspace", workspace, "canvas"]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toMatch(/^A1 /m);
    expect(result.stdout).not.toMatch(/^A4 /m);
    expect(result.stderr).toMatch(/confidence 140% is outside 0-100%/);
  });
});

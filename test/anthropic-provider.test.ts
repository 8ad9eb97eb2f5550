import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readCanvas } from "../src/canvas/canvas.js";
import { AnthropicDrafter } from "../src/llm/anthropic.js";
import { actionTemplates, loadSkills, type SkillSet } from "../src/skills/loader.js";
import type { StageContext } from "../src/stages/context.js";
import { draftStage } from "../src/stages/draft.js";
import { repoRoot, runCli, sampleCopy, sampleWorkspace } from "./helpers.js";
import { serverError, stageExample, startFakeAnthropic, type FakeAnthropic } from "./fakeAnthropic.js";

const stages = ["input", "hypothesis", "implication", "decision", "actions", "learning"] as const;

const example = stageExample;

let server: FakeAnthropic;
let skills: SkillSet;

beforeAll(async () => {
  server = await startFakeAnthropic();
  skills = await loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]);
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function hypothesisContext(): Promise<StageContext> {
  return {
    thread: "sales/elsaai-deal-closed",
    type: "sales",
    today: "2026-11-25",
    event: { text: "ElsaAI deal closed: $1.1M ARR, 38% return reduction achieved in the pilot.", date: "2026-11-18", source: "contract" },
    canvas: await readCanvas(join(sampleWorkspace, "strategy", "canvas")),
    workspaceRoot: sampleWorkspace,
    skill: skills.get("causal-flow-hypothesis") as StageContext["skill"],
    outputs: { input: (await example("input")) as never },
    reviews: {},
    actionTemplates: actionTemplates(skills),
    skills,
    approvalThreshold: 0.8,
  };
}

const drafter = (): AnthropicDrafter => new AnthropicDrafter({ model: "claude-sonnet-4-5", apiKey: "test-key", apiUrl: server.url, maxRetries: 2 });

describe("the anthropic provider against a local Messages API", () => {
  it("asks for the stage through a forced tool call, caches the canvas prefix and records usage", async () => {
    server.script.set("hypothesis_stage_output", [{ tool: await example("hypothesis") }]);
    const drafted = await draftStage(drafter(), await hypothesisContext());
    expect(drafted.output).toEqual(await example("hypothesis"));
    // LangChain counts the cache reads into input_tokens (1500 fresh + 1200 read).
    expect(drafted.usage).toEqual([expect.objectContaining({ input_tokens: 2700, output_tokens: 320, cache_read_tokens: 1200 })]);
    const request = server.requests[0]!;
    expect(request.headers["x-api-key"]).toBe("test-key");
    expect(request.body.tool_choice).toEqual({ type: "tool", name: "hypothesis_stage_output" });
    expect(request.body.tools![0]!.name).toBe("hypothesis_stage_output");
    expect(JSON.stringify(request.body.tools![0]!.input_schema)).toContain("proposed_confidence");
    expect(request.body.system![0]!.cache_control).toEqual({ type: "ephemeral" });
    expect(request.body.system![0]!.text).toContain("### A4: Luxury brands prefer a white-label SDK");
    expect(JSON.stringify(request.body.messages)).toContain("ElsaAI deal closed");
  });

  it("retries a 500 and then succeeds", async () => {
    server.script.set("hypothesis_stage_output", [serverError, { tool: await example("hypothesis") }]);
    const drafted = await draftStage(drafter(), await hypothesisContext());
    expect(drafted.output).toEqual(await example("hypothesis"));
    expect(server.requests).toHaveLength(2);
  });

  it("sends an invalid answer back with the problems and uses the repaired one", async () => {
    const wrong = { ...(await example("hypothesis")) };
    wrong.tests = [{ ...(wrong.tests as Array<Record<string, unknown>>)[0], assumption_id: "A99" }];
    server.script.set("hypothesis_stage_output", [{ tool: wrong }, { tool: await example("hypothesis") }]);
    const drafted = await draftStage(drafter(), await hypothesisContext());
    expect(drafted.attempts).toBe(2);
    const repair = JSON.stringify(server.requests[1]!.body.messages);
    expect(repair).toContain("did not pass validation");
    expect(repair).toContain("A99 is not in strategy/canvas/10-assumptions.md");
  });

  it("fails clearly when the answer stays invalid", async () => {
    server.script.set("hypothesis_stage_output", [{ tool: { tests: "none" } }]);
    await expect(draftStage(drafter(), await hypothesisContext())).rejects.toThrow(/still invalid after repair .*tests/);
    expect(server.requests).toHaveLength(3);
  });

  it("drafts a whole thread from the CLI (--provider anthropic) and stops at the gate", async () => {
    server.script.set("classify_event", [{ tool: { type: "sales", title: "ElsaAI deal closed" } }]);
    for (const stage of stages) server.script.set(`${stage}_stage_output`, [{ tool: await example(stage) }]);
    const workspace = await sampleCopy();
    const result = await runCli(["--workspace", workspace, "--json", "event", "--provider", "anthropic", "--file", join(workspace, "events", "01-elsaai-deal-closed.md")], {
      env: { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const started = JSON.parse(result.stdout) as { thread: string; state: string; pending: Array<{ kind: string }> };
    expect(started).toMatchObject({ thread: "sales/elsaai-deal-closed", state: "waiting" });
    const implication = await example("implication");
    expect((implication.impact_score as number) >= 0.8).toBe(true);
    expect(started.pending[0]!.kind).toBe("impact");
    const decision = await readFile(join(workspace, "threads", "sales", "elsaai-deal-closed", "4-decision.md"), "utf8");
    expect(decision).toContain("drafted_by: anthropic");
    expect(decision).toContain("model: claude-sonnet-4-5");
  });

  it("leaves a thread whose model call failed resumable, and resume does not redo finished stages", async () => {
    server.script.set("classify_event", [{ tool: { type: "sales", title: "ElsaAI deal closed" } }]);
    for (const stage of stages) server.script.set(`${stage}_stage_output`, [{ tool: await example(stage) }]);
    const badRequest = { status: 400, body: { type: "error", error: { type: "invalid_request_error", message: "prompt is too long" } } };
    server.script.set("decision_stage_output", [badRequest, { tool: await example("decision") }]);
    const workspace = await sampleCopy();
    const env = { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url };
    const failed = await runCli(["--workspace", workspace, "event", "--provider", "anthropic", "--file", join(workspace, "events", "01-elsaai-deal-closed.md")], { env });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/prompt is too long/);
    const metaPath = join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json");
    const meta = JSON.parse(await readFile(metaPath, "utf8")) as { state: string; stage: string; usage: { calls: number } };
    expect(meta).toMatchObject({ state: "failed", stage: "implication" });
    expect(meta.usage.calls).toBe(3);

    const before = server.requests.length;
    const resumed = await runCli(["--workspace", workspace, "--json", "resume", "elsaai"], { env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ state: "waiting", pending: [expect.objectContaining({ kind: "impact" })] });
    const asked = server.requests.slice(before).map((request) => request.body.tool_choice?.name);
    expect(asked).toEqual(["decision_stage_output"]);
    expect(JSON.parse(await readFile(metaPath, "utf8"))).toMatchObject({ state: "waiting", usage: { calls: 4 } });
  });

  it("has the model finish each action's artifact from the filled template, and records the calls", async () => {
    server.script.set("classify_event", [{ tool: { type: "sales", title: "ElsaAI deal closed" } }]);
    for (const stage of stages) server.script.set(`${stage}_stage_output`, [{ tool: await example(stage) }]);
    server.script.set("text", [{ text: "# Finished by the model\n\nEvery fact kept.\n" }]);
    const workspace = await sampleCopy();
    const env = { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url };
    await runCli(["--workspace", workspace, "event", "--provider", "anthropic", "--file", join(workspace, "events", "01-elsaai-deal-closed.md")], { env });
    const approved = await runCli(["--workspace", workspace, "--json", "approve", "elsaai"], { env });
    expect(approved.exitCode, approved.stderr).toBe(0);
    const plan = (await readFile(join(workspace, "threads", "sales", "elsaai-deal-closed", "5-actions", "execution-log.md"), "utf8"));
    expect(plan).toContain("marketing:create");
    const caseStudy = await readFile(join(workspace, "artifacts", "marketing", "campaigns", "elsaai-deal-closed", "case-study.md"), "utf8");
    expect(caseStudy).toBe("# Finished by the model\n\nEvery fact kept.\n");
    const textRequests = server.requests.filter((request) => !request.body.tools);
    expect(textRequests.length).toBeGreaterThanOrEqual(3);
    // The filled template travels with the request, so the model works from the thread's facts.
    expect(JSON.stringify(textRequests.map((request) => request.body.messages))).toContain("ElsaAI");
    const audit = (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8")).trim().split("\n").map((line) => JSON.parse(line) as { kind: string; stage?: string; cost_usd?: number });
    const artifactCalls = audit.filter((entry) => entry.kind === "model-call" && /case-study\.md$/.test(entry.stage ?? ""));
    expect(artifactCalls).toHaveLength(1);
    expect(artifactCalls[0]!.cost_usd).toBeGreaterThan(0);
  });

  it("is refused without an API key", async () => {
    const workspace = await sampleCopy();
    const result = await runCli(["--workspace", workspace, "event", "--provider", "anthropic", "x"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/ANTHROPIC_API_KEY/);
  });
});

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { selectDrafter } from "../src/llm/select.js";
import type { StageDrafter } from "../src/stages/drafter.js";
import { loadSkills, type SkillSet } from "../src/skills/loader.js";
import { draftStage } from "../src/stages/draft.js";
import { repoRoot, runCli, sampleCopy } from "./helpers.js";
import { closedDealContext, type StageName } from "./stageContext.js";
import { documentsReply, serverError, stageExample, startFakeAnthropic, type FakeAnthropic } from "./fakeAnthropic.js";
import { MIN_CACHEABLE_TOKENS } from "./fakes/promptCache.js";

// The anthropic provider (initChatModel's ChatAnthropic) against a local Messages API that bills
// tokens as the prompt cache would: what each request holds, where its cache breakpoints sit, and
// what a thread's calls read back from the cache.

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

const contextFor = (stage: StageName, earlier: readonly StageName[]) => closedDealContext(skills, stage, earlier);

const drafter = (): Promise<StageDrafter> =>
  selectDrafter({
    provider: "anthropic:claude-sonnet-4-5",
    env: { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url },
  });
const marked = (blocks: ReadonlyArray<{ cache_control?: unknown }>) =>
  blocks.map((block) => block.cache_control !== undefined);
const userBlocks = (index: number) =>
  server.requests[index]!.body.messages[0]!.content as Array<{ type: string; text: string; cache_control?: unknown }>;

describe("the anthropic provider against a local Messages API", () => {
  it("sends every flow tool, lets the model choose among them, and marks the rules, the canvas and the thread's history for the cache when another stage follows", async () => {
    server.script.set("hypothesis_stage_output", [{ tool: await example("hypothesis") }]);
    const drafted = await draftStage(await drafter(), await contextFor("hypothesis", ["input"]), "thread");
    expect(drafted.output).toEqual(await example("hypothesis"));
    const { body, headers } = server.requests[0]!;
    expect(headers["x-api-key"]).toBe("test-key");
    expect(body.tool_choice).toEqual({ type: "any" });
    expect(body.tools!.map((tool) => tool.name)).toEqual([
      "classify_event",
      ...["input", "hypothesis", "implication", "decision", "actions", "learning", "sections"].map(
        (name) => `${name}_stage_output`,
      ),
      "write_documents",
    ]);
    expect(JSON.stringify(body.tools![2]!.input_schema)).toContain("proposed_confidence");
    // System: the rules with every stage's instructions, then the canvas; a breakpoint after each.
    expect(marked(body.system!)).toEqual([true, true]);
    // For 5 minutes: the call that reads it comes seconds later, from this process (cachePlan.ts).
    // The hour-long TTL stays possible, which the API takes with its beta header.
    expect(body.system![0]!.cache_control).toEqual({ type: "ephemeral" });
    expect(headers["anthropic-beta"]).toContain("extended-cache-ttl-2025-04-11");
    expect(body.system![0]!.text).toContain(
      "## Stage learning (skill causal-flow-learning, tool learning_stage_output)",
    );
    expect(body.system![1]!.text).toContain("### A4: Luxury brands prefer a white-label SDK");
    // The user message: the event, the recorded input stage (a breakpoint), then the request.
    expect(marked(userBlocks(0))).toEqual([false, true, false]);
    expect(userBlocks(0)[0]!.text).toContain("ElsaAI deal closed");
    expect(userBlocks(0)[2]!.text).toContain("Draft the hypothesis stage now: call hypothesis_stage_output");
    // A cold cache: everything up to the last breakpoint is written, the request itself is billed in full.
    const usage = server.requests[0]!.usage;
    expect(usage.cache_read_input_tokens).toBe(0);
    expect(usage.cache_creation_input_tokens).toBeGreaterThan(MIN_CACHEABLE_TOKENS);
    expect(drafted.usage).toEqual([
      expect.objectContaining({
        cache_read_tokens: 0,
        cache_write_tokens: usage.cache_creation_input_tokens,
        input_tokens: usage.input_tokens + usage.cache_creation_input_tokens,
      }),
    ]);
  });

  it("lets the next stage of the same thread read all of the previous call from the cache", async () => {
    server.script.set("hypothesis_stage_output", [{ tool: await example("hypothesis") }]);
    server.script.set("implication_stage_output", [{ tool: await example("implication") }]);
    const model = await drafter();
    await draftStage(model, await contextFor("hypothesis", ["input"]), "thread");
    const second = await draftStage(model, await contextFor("implication", ["input", "hypothesis"]));
    const [first, next] = server.requests.map((request) => request.usage);
    // Read: tools, system and the thread up to the input stage, all the first call wrote.
    expect(next!.cache_read_input_tokens).toBe(first!.cache_creation_input_tokens);
    // Written: only the hypothesis stage added since.
    expect(next!.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(next!.cache_creation_input_tokens).toBeLessThan(first!.cache_creation_input_tokens / 5);
    expect(second.usage[0]!.cache_read_tokens).toBe(next!.cache_read_input_tokens);
  });

  it("marks nothing on a lone call in a cold process, so it is billed at 1x", async () => {
    server.script.set("hypothesis_stage_output", [{ tool: await example("hypothesis") }]);
    const drafted = await draftStage(await drafter(), await contextFor("hypothesis", ["input"]));
    const { body, usage } = server.requests[0]!;
    expect(marked(body.system!)).toEqual([false, false]);
    expect(marked(userBlocks(0))).toEqual([false, false, false]);
    expect(usage).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    expect(drafted.usage[0]!.cached).toBeUndefined();
  });

  it("reads in a later process what an earlier one marked, as the audit log records it, and marks nothing once that has expired", async () => {
    server.script.set("hypothesis_stage_output", [{ tool: await example("hypothesis") }]);
    server.script.set("implication_stage_output", [{ tool: await example("implication") }]);
    const first = await draftStage(await drafter(), await contextFor("hypothesis", ["input"]), "thread");
    const cached = first.usage[0]!.cached!;
    expect(cached.map((use) => use.ttl)).toEqual(["5m", "5m", "5m"]);
    const later = (minutesAgo: number) =>
      selectDrafter({
        provider: "anthropic:claude-sonnet-4-5",
        env: { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url },
        promptCache: { recent: async () => [{ at: new Date(Date.now() - minutesAgo * 60_000).toISOString(), cached }] },
      });
    const implication = await contextFor("implication", ["input", "hypothesis"]);
    // A minute later, in another process with nothing to follow: the thread's prefix is read back.
    const read = await draftStage(await later(1), implication);
    expect(server.requests[1]!.usage.cache_read_input_tokens).toBe(
      server.requests[0]!.usage.cache_creation_input_tokens,
    );
    expect(read.usage[0]!.cached!.length).toBeGreaterThan(0);
    // Two hours on the cache has let it go, and nothing recent says another call is coming: no marks.
    server.cache.advance(2 * 60 * 60_000);
    await draftStage(await later(120), implication);
    expect(server.requests[2]!.usage).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });

  it("retries a 500 and then succeeds", async () => {
    server.script.set("hypothesis_stage_output", [serverError, { tool: await example("hypothesis") }]);
    const drafted = await draftStage(await drafter(), await contextFor("hypothesis", ["input"]));
    expect(drafted.output).toEqual(await example("hypothesis"));
    expect(server.requests).toHaveLength(2);
  });

  it("sends an invalid answer back with the problems after the same cached prefix, and uses the repaired one", async () => {
    const wrong = { ...(await example("hypothesis")) };
    wrong.tests = [{ ...(wrong.tests as Array<Record<string, unknown>>)[0], assumption_id: "A99" }];
    server.script.set("hypothesis_stage_output", [{ tool: wrong }, { tool: await example("hypothesis") }]);
    const drafted = await draftStage(await drafter(), await contextFor("hypothesis", ["input"]));
    expect(drafted.attempts).toBe(2);
    const repair = JSON.stringify(server.requests[1]!.body.messages.slice(1));
    expect(repair).toContain("did not pass validation");
    expect(repair).toContain("A99 is not in strategy/canvas/10-assumptions.md");
    expect(server.requests[1]!.usage.cache_read_input_tokens).toBe(
      server.requests[0]!.usage.cache_creation_input_tokens,
    );
  });

  it("tells a model that called another tool which one was asked for", async () => {
    server.script.set("hypothesis_stage_output", [
      { otherTool: "decision_stage_output", input: {} },
      { tool: await example("hypothesis") },
    ]);
    const drafted = await draftStage(await drafter(), await contextFor("hypothesis", ["input"]));
    expect(drafted.attempts).toBe(2);
    expect(JSON.stringify(server.requests[1]!.body.messages.slice(1))).toContain(
      "you called decision_stage_output; this request asks for hypothesis_stage_output",
    );
  });

  it("fails clearly when the answer stays invalid", async () => {
    server.script.set("hypothesis_stage_output", [{ tool: { tests: "none" } }]);
    await expect(draftStage(await drafter(), await contextFor("hypothesis", ["input"]))).rejects.toThrow(
      /still invalid after repair .*tests/,
    );
    expect(server.requests).toHaveLength(3);
  });

  it("drafts a whole thread from the CLI (--provider anthropic) and stops at the gate, each call reading what the one before wrote", async () => {
    server.script.set("classify_event", [{ tool: { type: "sales", title: "ElsaAI deal closed" } }]);
    for (const stage of stages) server.script.set(`${stage}_stage_output`, [{ tool: await example(stage) }]);
    const workspace = await sampleCopy();
    const result = await runCli(
      [
        "--workspace",
        workspace,
        "--json",
        "event",
        "--provider",
        "anthropic",
        "--file",
        join(workspace, "events", "01-elsaai-deal-closed.md"),
      ],
      {
        env: { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url },
      },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const started = JSON.parse(result.stdout) as { thread: string; state: string; pending: Array<{ kind: string }> };
    expect(started).toMatchObject({ thread: "sales/elsaai-deal-closed", state: "waiting" });
    expect(started.pending[0]!.kind).toBe("impact");
    const decision = await readFile(join(workspace, "threads", "sales", "elsaai-deal-closed", "4-decision.md"), "utf8");
    expect(decision).toContain("drafted_by: anthropic");
    expect(decision).toContain("model: claude-sonnet-4-5");
    expect(server.requests.map((request) => request.tool)).toEqual([
      "classify_event",
      "input_stage_output",
      "hypothesis_stage_output",
      "implication_stage_output",
      "decision_stage_output",
    ]);
    // After the first call, every call reads at least everything the call before it wrote.
    const usage = server.requests.map((request) => request.usage);
    for (let index = 1; index < usage.length; index += 1) {
      expect(usage[index]!.cache_read_input_tokens).toBeGreaterThanOrEqual(
        usage[index - 1]!.cache_read_input_tokens + usage[index - 1]!.cache_creation_input_tokens,
      );
    }
    // Each call's audit entry keeps the prefixes it marked or read (hashes), which a later process plans from.
    const audit = (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { kind: string; cached?: Array<{ prefix: string; ttl: string }> });
    const calls = audit.filter((entry) => entry.kind === "model-call");
    expect(calls).toHaveLength(5);
    for (const call of calls) expect(call.cached?.length).toBeGreaterThan(0);
    expect(JSON.stringify(calls)).not.toContain("ElsaAI");
    // The classification is a recorded call of the thread too.
    const meta = JSON.parse(
      await readFile(join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json"), "utf8"),
    ) as { usage: { calls: number; cache_read_tokens: number; cache_write_tokens: number } };
    expect(meta.usage.calls).toBe(5);
    expect(meta.usage.cache_read_tokens).toBe(usage.reduce((sum, one) => sum + one.cache_read_input_tokens, 0));
    expect(meta.usage.cache_write_tokens).toBe(usage.reduce((sum, one) => sum + one.cache_creation_input_tokens, 0));
    // leanos usage prices reads and writes at their rates, and says what the cache saved.
    const summary = JSON.parse((await runCli(["--workspace", workspace, "--json", "usage"])).stdout) as {
      total: { cache_write_tokens: number; cost_usd: number; saved_usd: number };
    };
    expect(summary.total.cache_write_tokens).toBe(meta.usage.cache_write_tokens);
    expect(summary.total.saved_usd).toBeGreaterThan(0);
    const table = (await runCli(["--workspace", workspace, "usage"])).stdout;
    expect(table.split("\n")[0]).toMatch(/calls\s+tokens in\s+out\s+cache read\s+cache write\s+cost\s+saved/);
  });

  it("leaves a thread whose model call failed resumable, and resume does not redo finished stages", async () => {
    server.script.set("classify_event", [{ tool: { type: "sales", title: "ElsaAI deal closed" } }]);
    for (const stage of stages) server.script.set(`${stage}_stage_output`, [{ tool: await example(stage) }]);
    const badRequest = {
      status: 400,
      body: { type: "error", error: { type: "invalid_request_error", message: "prompt is too long" } },
    };
    server.script.set("decision_stage_output", [badRequest, { tool: await example("decision") }]);
    const workspace = await sampleCopy();
    const env = { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url };
    const failed = await runCli(
      [
        "--workspace",
        workspace,
        "event",
        "--provider",
        "anthropic",
        "--file",
        join(workspace, "events", "01-elsaai-deal-closed.md"),
      ],
      { env },
    );
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/prompt is too long/);
    const metaPath = join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json");
    const meta = JSON.parse(await readFile(metaPath, "utf8")) as {
      state: string;
      stage: string;
      usage: { calls: number };
    };
    expect(meta).toMatchObject({ state: "failed", stage: "implication" });
    expect(meta.usage.calls).toBe(4);

    const before = server.requests.length;
    const resumed = await runCli(["--workspace", workspace, "--json", "resume", "elsaai"], { env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      state: "waiting",
      pending: [expect.objectContaining({ kind: "impact" })],
    });
    expect(server.requests.slice(before).map((request) => request.tool)).toEqual(["decision_stage_output"]);
    expect(JSON.parse(await readFile(metaPath, "utf8"))).toMatchObject({ state: "waiting", usage: { calls: 5 } });
  });

  it("has the model finish all of an action's documents in one call on the thread's cached prefix, and records it", async () => {
    server.script.set("classify_event", [{ tool: { type: "sales", title: "ElsaAI deal closed" } }]);
    for (const stage of stages) server.script.set(`${stage}_stage_output`, [{ tool: await example(stage) }]);
    server.script.set("write_documents", [documentsReply("# Finished by the model\n\nEvery fact kept.")]);
    const workspace = await sampleCopy();
    const env = { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url };
    await runCli(
      [
        "--workspace",
        workspace,
        "event",
        "--provider",
        "anthropic",
        "--file",
        join(workspace, "events", "01-elsaai-deal-closed.md"),
      ],
      { env },
    );
    await runCli(["--workspace", workspace, "pending"], { env });
    const approved = await runCli(["--workspace", workspace, "--json", "approve", "elsaai"], { env });
    expect(approved.exitCode, approved.stderr).toBe(0);
    const caseStudy = await readFile(
      join(workspace, "artifacts", "marketing", "campaigns", "elsaai-deal-closed", "case-study.md"),
      "utf8",
    );
    // The model's text, marked as the model's.
    const written = matter(caseStudy);
    expect(written.content).toBe("# Finished by the model\n\nEvery fact kept.\n");
    expect(written.data).toMatchObject({ drafted_by: "anthropic", model: expect.any(String) });
    const documentCalls = server.requests.filter((request) => request.tool === "write_documents");
    expect(documentCalls.length).toBeGreaterThanOrEqual(1);
    // The filled templates travel with the request, after the thread's history, which is read from the cache.
    expect(JSON.stringify(documentCalls.map((request) => request.body.messages))).toContain(
      "## Document case-study.md, as the template filled it",
    );
    for (const call of documentCalls) expect(call.usage.cache_read_input_tokens).toBeGreaterThan(MIN_CACHEABLE_TOKENS);
    const audit = (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { kind: string; stage?: string; cost_usd?: number });
    const recorded = audit.filter((entry) => entry.kind === "model-call" && /marketing:create/.test(entry.stage ?? ""));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.cost_usd).toBeGreaterThan(0);
  });

  it("is refused without an API key", async () => {
    const workspace = await sampleCopy();
    const result = await runCli(["--workspace", workspace, "event", "--provider", "anthropic", "x"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/ANTHROPIC_API_KEY/);
  });
});

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StageDrafter } from "../src/llm/provider.js";
import { selectDrafter } from "../src/llm/select.js";
import { loadSkills, type SkillSet } from "../src/skills/loader.js";
import { draftStage } from "../src/stages/draft.js";
import { stageExample } from "./fakeAnthropic.js";
import { startFakeOpenAI, type FakeOpenAI } from "./fakes/openaiApi.js";
import { repoRoot, runCli, sampleCopy } from "./helpers.js";
import { closedDealContext } from "./stageContext.js";

// The openai provider (initChatModel's ChatOpenAI) against a local server of the OpenAI chat
// completions API, as Ollama, vLLM, llama.cpp or LM Studio serve it: no key needed, the same
// tools every call, repairs, and the json_schema answer for servers that ignore tools.

const stages = ["input", "hypothesis", "implication", "decision", "actions", "learning"] as const;

let server: FakeOpenAI;
let skills: SkillSet;

beforeAll(async () => {
  server = await startFakeOpenAI();
  skills = await loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]);
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const hypothesisContext = () => closedDealContext(skills, "hypothesis", ["input"]);

const local = (output?: "json_schema"): Promise<StageDrafter> =>
  selectDrafter({ provider: "openai:qwen2.5:7b", ...(output ? { output } : {}), env: { LEANOS_OPENAI_URL: server.url } });

describe("the openai provider against a local chat completions server", () => {
  it("needs no key for a local server, sends the flow's tools every time, and reads the named tool's call", async () => {
    server.script.set("hypothesis_stage_output", [{ args: await stageExample("hypothesis") }]);
    const drafter = await local();
    expect(drafter).toMatchObject({ provider: "openai", model: "qwen2.5:7b" });
    const drafted = await draftStage(drafter, await hypothesisContext());
    expect(drafted.output).toEqual(await stageExample("hypothesis"));
    const { body, headers } = server.requests[0]!;
    expect(body.model).toBe("qwen2.5:7b");
    expect(headers.authorization).toBe("Bearer local");
    expect(body.tool_choice).toBe("required");
    expect(body.tools!.map((tool) => tool.function.name)).toContain("hypothesis_stage_output");
    expect(body.tools).toHaveLength(9);
    // Plain strings: the system rules and canvas, then the thread and the request.
    expect(body.messages.map((message) => message.role)).toEqual(["system", "user"]);
    expect(body.messages[0]!.content).toContain("### A4: Luxury brands prefer a white-label SDK");
    expect(body.messages[1]!.content).toContain("Draft the hypothesis stage now: call hypothesis_stage_output");
    expect(drafted.usage[0]!.input_tokens).toBeGreaterThan(1000);
  });

  it("retries a 500 and then succeeds", async () => {
    server.script.set("hypothesis_stage_output", [{ status: 500, body: { error: { message: "upstream crashed" } } }, { args: await stageExample("hypothesis") }]);
    const drafted = await draftStage(await local(), await hypothesisContext());
    expect(drafted.output).toEqual(await stageExample("hypothesis"));
    expect(server.requests).toHaveLength(2);
  });

  it("sends arguments that are not JSON back as a problem, and uses the repaired answer", async () => {
    server.script.set("hypothesis_stage_output", [{ rawArguments: '{"tests": [' }, { args: await stageExample("hypothesis") }]);
    const drafted = await draftStage(await local(), await hypothesisContext());
    expect(drafted.attempts).toBe(2);
    const repair = server.requests[1]!.body.messages.slice(2);
    expect(repair.map((message) => message.role)).toEqual(["assistant", "tool"]);
    expect(String(repair[1]!.content)).toContain("the arguments you gave hypothesis_stage_output are not a JSON object");
  });

  it("with model_output json_schema, asks a server that ignores tools for JSON of the schema instead", async () => {
    server.toolSupport = false;
    server.script.set("hypothesis_stage_output", [{ args: await stageExample("hypothesis") }]);
    // Through tool calls, such a server never calls the tool: the stage fails after its repairs.
    await expect(draftStage(await local(), await hypothesisContext())).rejects.toThrow(/still invalid after repair \(you answered without calling hypothesis_stage_output\)/);
    server.reset();
    server.toolSupport = false;
    server.script.set("hypothesis_stage_output", [{ args: await stageExample("hypothesis") }]);
    const drafted = await draftStage(await local("json_schema"), await hypothesisContext());
    expect(drafted.output).toEqual(await stageExample("hypothesis"));
    const { body } = server.requests[0]!;
    expect(body.tools).toBeUndefined();
    expect(body.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "hypothesis_stage_output" } });
  });

  it("runs a thread from the CLI (--provider openai:MODEL, json_schema from the workspace config), and resumes it after a failed call", async () => {
    server.toolSupport = false;
    server.script.set("classify_event", [{ args: { type: "sales", title: "ElsaAI deal closed" } }]);
    for (const stage of stages) server.script.set(`${stage}_stage_output`, [{ args: await stageExample(stage) }]);
    server.script.set("decision_stage_output", [{ status: 400, body: { error: { message: "context length exceeded" } } }, { args: await stageExample("decision") }]);
    const workspace = await sampleCopy();
    const config = join(workspace, ".leanos", "config.yaml");
    await writeFile(config, `${await readFile(config, "utf8").catch(() => "")}\nmodel_output: json_schema\n`);
    const env = { LEANOS_OPENAI_URL: server.url };
    const failed = await runCli(["--workspace", workspace, "event", "--provider", "openai:llama3.1", "--file", join(workspace, "events", "01-elsaai-deal-closed.md")], { env });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/the openai model call failed: 400 .*context length exceeded/);
    const metaPath = join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json");
    expect(JSON.parse(await readFile(metaPath, "utf8"))).toMatchObject({ state: "failed", stage: "implication", provider: "openai", model: "llama3.1" });

    const before = server.requests.length;
    const resumed = await runCli(["--workspace", workspace, "--json", "resume", "elsaai"], { env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ state: "waiting", pending: [expect.objectContaining({ kind: "impact" })] });
    expect(server.requests.slice(before).map((request) => request.tool)).toEqual(["decision_stage_output"]);
    // A local model has no price.
    const usage = await runCli(["--workspace", workspace, "--json", "usage"]);
    expect(JSON.parse(usage.stdout)).toMatchObject({ total: { calls: 5, cost_usd: 0 } });
  });

  it("is refused without a model name, or without a key or a server", async () => {
    await expect(selectDrafter({ provider: "openai", env: { LEANOS_OPENAI_URL: server.url } })).rejects.toThrow(/needs a model: "openai:MODEL"/);
    await expect(selectDrafter({ provider: "openai:gpt-4o", env: {} })).rejects.toThrow(/OPENAI_API_KEY, or OPENAI_BASE_URL/);
  });
});

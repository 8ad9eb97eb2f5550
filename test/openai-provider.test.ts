import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StageDrafter } from "../src/stages/drafter.js";
import { unreachable } from "../src/llm/callFailure.js";
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
  selectDrafter({
    provider: "openai:qwen2.5:7b",
    ...(output ? { output } : {}),
    env: { LEANOS_OPENAI_URL: server.url },
  });

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
    server.script.set("hypothesis_stage_output", [
      { status: 500, body: { error: { message: "upstream crashed" } } },
      { args: await stageExample("hypothesis") },
    ]);
    const drafted = await draftStage(await local(), await hypothesisContext());
    expect(drafted.output).toEqual(await stageExample("hypothesis"));
    expect(server.requests).toHaveLength(2);
  });

  it("sends arguments that are not JSON back as a problem, and uses the repaired answer", async () => {
    server.script.set("hypothesis_stage_output", [
      { rawArguments: '{"tests": [' },
      { args: await stageExample("hypothesis") },
    ]);
    const drafted = await draftStage(await local(), await hypothesisContext());
    expect(drafted.attempts).toBe(2);
    const repair = server.requests[1]!.body.messages.slice(2);
    expect(repair.map((message) => message.role)).toEqual(["assistant", "tool"]);
    expect(String(repair[1]!.content)).toContain(
      "the arguments you gave hypothesis_stage_output are not a JSON object",
    );
  });

  it("with model_output json_schema, asks a server that ignores tools for JSON of the schema instead", async () => {
    server.toolSupport = false;
    server.script.set("hypothesis_stage_output", [{ args: await stageExample("hypothesis") }]);
    // Through tool calls, such a server never calls the tool: the stage fails after its repairs.
    await expect(draftStage(await local(), await hypothesisContext())).rejects.toThrow(
      /still invalid after repair \(you answered without calling hypothesis_stage_output\)/,
    );
    server.reset();
    server.toolSupport = false;
    server.script.set("hypothesis_stage_output", [{ args: await stageExample("hypothesis") }]);
    const drafted = await draftStage(await local("json_schema"), await hypothesisContext());
    expect(drafted.output).toEqual(await stageExample("hypothesis"));
    const { body } = server.requests[0]!;
    expect(body.tools).toBeUndefined();
    expect(body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "hypothesis_stage_output" },
    });
  });

  it("runs a thread from the CLI (--provider openai:MODEL, json_schema from the workspace config), and resumes it after a failed call", async () => {
    server.toolSupport = false;
    server.script.set("classify_event", [{ args: { type: "sales", title: "ElsaAI deal closed" } }]);
    for (const stage of stages) server.script.set(`${stage}_stage_output`, [{ args: await stageExample(stage) }]);
    server.script.set("decision_stage_output", [
      { status: 400, body: { error: { message: "context length exceeded" } } },
      { args: await stageExample("decision") },
    ]);
    const workspace = await sampleCopy();
    const config = join(workspace, ".leanos", "config.yaml");
    await writeFile(config, `${await readFile(config, "utf8").catch(() => "")}\nmodel_output: json_schema\n`);
    const env = { LEANOS_OPENAI_URL: server.url };
    const failed = await runCli(
      [
        "--workspace",
        workspace,
        "event",
        "--provider",
        "openai:llama3.1",
        "--file",
        join(workspace, "events", "01-elsaai-deal-closed.md"),
      ],
      { env },
    );
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain(`the openai model call to ${server.url} failed: 400`);
    expect(failed.stderr).toContain("context length exceeded");
    expect(failed.stderr).toContain("leanos resume sales/elsaai-deal-closed");
    const metaPath = join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json");
    expect(JSON.parse(await readFile(metaPath, "utf8"))).toMatchObject({
      state: "failed",
      stage: "implication",
      provider: "openai",
      model: "llama3.1",
    });

    const before = server.requests.length;
    const resumed = await runCli(["--workspace", workspace, "--json", "resume", "elsaai"], { env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      state: "waiting",
      pending: [expect.objectContaining({ kind: "impact" })],
    });
    expect(server.requests.slice(before).map((request) => request.tool)).toEqual(["decision_stage_output"]);
    // A local model has no price.
    const usage = await runCli(["--workspace", workspace, "--json", "usage"]);
    expect(JSON.parse(usage.stdout)).toMatchObject({ total: { calls: 5, cost_usd: 0 } });
  });

  it("fails at once, naming the server, when nothing listens at its address: no retries with backoff", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const drafter = await selectDrafter({ provider: "openai:qwen2.5:14b", env: { OPENAI_BASE_URL: url } });
    const context = await hypothesisContext();
    const started = Date.now();
    const failure = await draftStage(drafter, context).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      `the openai model server at ${url} cannot be reached: the connection was refused (ECONNREFUSED): nothing listens at that address and port. Start the server, or set OPENAI_BASE_URL (or LEANOS_OPENAI_URL) to where it listens`,
    );
    // Three retries with backoff take 7 s at least; a refused connection is reported as it happens.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("tells a server that cannot be reached from one worth trying again", () => {
    const undici = (code: string, message: string): Error =>
      new Error("Connection error.", {
        cause: new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) }),
      });
    expect(unreachable(undici("ENOTFOUND", "getaddrinfo ENOTFOUND llm.invalid"))).toMatchObject({
      kind: "unknown-host",
    });
    expect(unreachable(undici("EHOSTUNREACH", "connect EHOSTUNREACH 10.0.0.9:11434"))).toMatchObject({
      kind: "no-route",
    });
    // localhost has two addresses; Node tries both and reports them together.
    const both = Object.assign(
      new AggregateError([
        Object.assign(new Error("connect ECONNREFUSED ::1:11434"), { code: "ECONNREFUSED" }),
        Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:11434"), { code: "ECONNREFUSED" }),
      ]),
      {},
    );
    expect(
      unreachable(new Error("Connection error.", { cause: new TypeError("fetch failed", { cause: both }) })),
    ).toMatchObject({ kind: "refused" });
    expect(
      unreachable(
        new Error("Connection error.", { cause: new TypeError("fetch failed", { cause: new Error("bad port") }) }),
      ),
    ).toMatchObject({ kind: "blocked-port" });
    // Worth another try: a reset connection, a time-out, a server error, a rate limit.
    expect(unreachable(undici("ECONNRESET", "read ECONNRESET"))).toBeUndefined();
    expect(unreachable(undici("UND_ERR_CONNECT_TIMEOUT", "Connect Timeout Error"))).toBeUndefined();
    expect(unreachable(Object.assign(new Error("500 upstream crashed"), { status: 500 }))).toBeUndefined();
    expect(unreachable(Object.assign(new Error("429 slow down"), { status: 429 }))).toBeUndefined();
  });

  it("keeps the event of a thread whose server could not be reached, and resume drafts it once the server answers", async () => {
    const workspace = await sampleCopy();
    const closed = `http://127.0.0.1:${await closedPort()}/v1`;
    const args = [
      "--workspace",
      workspace,
      "event",
      "--provider",
      "openai:llama3.1",
      "--file",
      join(workspace, "events", "01-elsaai-deal-closed.md"),
    ];
    const failed = await runCli(args, { env: { OPENAI_BASE_URL: closed } });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr.split("\n")).toEqual([
      `leanos: the openai model server at ${closed} cannot be reached: the connection was refused (ECONNREFUSED): nothing listens at that address and port. Start the server, or set OPENAI_BASE_URL (or LEANOS_OPENAI_URL) to where it listens`,
      "The event is kept in sales/elsaai-deal-closed (named by the offline rules, since the model could not read it): leanos resume sales/elsaai-deal-closed drafts it with openai:llama3.1 once the model answers",
    ]);
    const meta = JSON.parse(
      await readFile(join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json"), "utf8"),
    );
    expect(meta).toMatchObject({
      state: "failed",
      stage: null,
      provider: "openai",
      model: "llama3.1",
      event: { source: expect.any(String) },
    });
    expect(meta.error).toContain(closed);

    // The server is up now: nothing is typed again, and every stage is the model's.
    for (const stage of stages) server.script.set(`${stage}_stage_output`, [{ args: await stageExample(stage) }]);
    const resumed = await runCli(["--workspace", workspace, "--json", "resume", "elsaai"], {
      env: { OPENAI_BASE_URL: server.url },
    });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      thread: "sales/elsaai-deal-closed",
      state: "waiting",
      pending: [expect.objectContaining({ kind: "impact" })],
    });
    expect(server.requests.map((request) => request.tool)).toEqual([
      "input_stage_output",
      "hypothesis_stage_output",
      "implication_stage_output",
      "decision_stage_output",
    ]);
    expect(server.requests[0]!.body.messages[1]!.content).toContain("ElsaAI");
  });

  it("is refused without a model name, or without a key or a server", async () => {
    await expect(selectDrafter({ provider: "openai", env: { LEANOS_OPENAI_URL: server.url } })).rejects.toThrow(
      /needs a model: "openai:MODEL"/,
    );
    await expect(selectDrafter({ provider: "openai:gpt-4o", env: {} })).rejects.toThrow(
      /OPENAI_API_KEY, or OPENAI_BASE_URL/,
    );
  });
});

/** A local port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

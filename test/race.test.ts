import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stageExample, startFakeAnthropic, type FakeAnthropic } from "./fakeAnthropic.js";
import { cliPath, runCli, sampleCopy } from "./helpers.js";

// A pass that starts while `leanos event` is still drafting finds the thread held by the event's
// lease and leaves it alone: no stage is drafted twice. The model holds its first stage answer until
// the passes are done, so they run in the middle of the event however slow the machine is.

const STAGES = ["input", "hypothesis", "implication", "decision", "actions", "learning"] as const;
let model: FakeAnthropic;

beforeAll(async () => {
  model = await startFakeAnthropic();
});
afterAll(() => model.close());

describe("a pass during a live event", () => {
  it("runs no stage twice", async () => {
    model.script.set("classify_event", [{ tool: { type: "sales", title: "ElsaAI deal closed" } }]);
    for (const stage of STAGES) model.script.set(`${stage}_stage_output`, [{ tool: await stageExample(stage) }]);
    const release = model.hold((tool) => tool.endsWith("_stage_output"));
    const workspace = await sampleCopy();
    const env = { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: model.url, LEANOS_WORKSPACE: "", NO_COLOR: "1" };
    const event = execa(
      process.execPath,
      [
        cliPath,
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
        reject: false,
        env,
      },
    );
    const meta = join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json");
    while (!existsSync(meta)) await new Promise((resolve) => setTimeout(resolve, 50));

    const passes: Array<{ busy: string[]; advanced: unknown[] }> = [];
    for (let round = 0; round < 2; round += 1) {
      const pass = await runCli(["--workspace", workspace, "--json", "pass"], { env });
      expect(pass.exitCode, pass.stderr).toBe(0);
      passes.push(JSON.parse(pass.stdout) as { busy: string[]; advanced: unknown[] });
    }
    release();
    const done = await event;
    expect(done.exitCode, String(done.stderr)).toBe(0);
    expect(JSON.parse(String(done.stdout))).toMatchObject({ thread: "sales/elsaai-deal-closed", state: "waiting" });

    // The passes ran while the event was drafting, saw the thread held, and drafted nothing.
    expect(passes.map((pass) => pass.busy)).toEqual([["sales/elsaai-deal-closed"], ["sales/elsaai-deal-closed"]]);
    expect(passes.flatMap((pass) => pass.advanced)).toEqual([]);
    const drafted = model.requests.map((request) => request.tool).filter((name) => name.endsWith("_stage_output"));
    expect(drafted).toEqual(["input", "hypothesis", "implication", "decision"].map((stage) => `${stage}_stage_output`));
    const calls = (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { kind: string; stage?: string })
      .filter((entry) => entry.kind === "model-call");
    expect(calls.map((entry) => entry.stage)).toEqual(["classify", "input", "hypothesis", "implication", "decision"]);
  }, 60_000);
});

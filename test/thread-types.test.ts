import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { artifactDir } from "../src/actions/executor.js";
import { standings, TrustBar } from "../src/core/autonomy.js";
import { checkCorrection } from "../src/gates/correction.js";
import { systemBlocks } from "../src/llm/layout.js";
import { flowToolDefinitions } from "../src/llm/tools.js";
import { loadSkills } from "../src/skills/loader.js";
import { stageOutputSchemasFor } from "../src/core/stageSchemas.js";
import { canonicalType, DEFAULT_THREAD_TYPES, kindOfType, threadTypesOf } from "../src/core/threadTypes.js";
import { threadMetaIn } from "../src/core/threadMeta.js";
import { WorkspaceConfig } from "../src/workspace/config.js";
import { businessNameOf, openWorkspace } from "../src/workspace/workspace.js";
import { readCanvas } from "../src/canvas/canvas.js";
import { repoRoot, runCli, sampleCopy, sampleWorkspace, tempDir } from "./helpers.js";
import { stageExample, startFakeAnthropic } from "./fakeAnthropic.js";
import { withLeanos } from "./library.js";

// Thread types as LeanOS has them now (issue 28): business threads are called operations in a
// workspace that has a threads/operations/ folder (and no threads/business/), and a workspace may
// declare more types (thread_types in .leanos/config.yaml), each run through the workspace's graph.

interface Pending {
  thread: string;
  kind: string;
  node: string;
  question: string;
  action_id?: string;
}
interface Result {
  thread: string;
  state: string;
  pending: Pending[];
}

const OPERATIONAL =
  "The on-call rotation missed two incidents this week; the team asks for a second pager and a runbook review.";
const PRODUCT = "Beta users ask for an offline mode in the app; three churned citing it.";

/** The CLI on a workspace, as bella, with JSON output. */
const cliOn =
  (workspace: string) =>
  (...args: string[]) =>
    runCli(["--workspace", workspace, "--json", "--quiet", ...args], { env: { LEANOS_USER: "bella" } });

const metaOf = async (workspace: string, thread: string) =>
  JSON.parse(await readFile(join(workspace, "threads", ...thread.split("/"), "meta.json"), "utf8")) as {
    thread: string;
    type: string;
    state: string;
    corrections: Array<Record<string, unknown>>;
  };

/** A copy of the sample workspace that writes its business threads under operations (its decisions wait until earned). */
async function operationsWorkspace(): Promise<string> {
  const workspace = await sampleCopy({ autonomy: "earned" });
  await mkdir(join(workspace, "threads", "operations"), { recursive: true });
  return workspace;
}

describe("operations, LeanOS's newer name of business", () => {
  it("runs an operational event end to end in a workspace with a threads/operations/ folder", async () => {
    const workspace = await operationsWorkspace();
    const cli = cliOn(workspace);
    const started = await cli("event", OPERATIONAL, "--source", "on-call review");
    expect(started.exitCode, started.stderr).toBe(0);
    const result = JSON.parse(started.stdout) as Result;
    expect(result.thread).toMatch(/^operations\/[a-z0-9-]+$/);
    expect(existsSync(join(workspace, "threads", "operations", result.thread.split("/")[1]!, "4-decision.md"))).toBe(
      true,
    );
    expect(existsSync(join(workspace, "threads", "business"))).toBe(false);
    const meta = await metaOf(workspace, result.thread);
    expect(meta).toMatchObject({ thread: result.thread, type: "operations", state: "waiting" });

    // The workspace's policy (earned, the default): operations decisions have not earned trust, so it waits.
    expect(result.state).toBe("waiting");
    expect(result.pending).toEqual([expect.objectContaining({ kind: "impact", node: "gate_decision" })]);
    expect(result.pending[0]!.question).toContain("trust not yet earned for operations decisions");

    const status = JSON.parse((await cli("status")).stdout) as Array<{ thread: string; type: string; state: string }>;
    expect(status).toEqual([expect.objectContaining({ thread: result.thread, type: "operations", state: "waiting" })]);
    const pending = JSON.parse((await cli("pending")).stdout) as Pending[];
    expect(pending).toEqual([expect.objectContaining({ thread: result.thread, node: "gate_decision" })]);

    const approved = await cli("approve", result.thread);
    expect(approved.exitCode, approved.stderr).toBe(0);
    const after = JSON.parse(approved.stdout) as Result;
    expect(after.thread).toBe(result.thread);
    // The decision is taken; the investigation it started writes under artifacts/operations/ and waits for its findings.
    expect(after.pending.map((item) => item.node)).not.toContain("gate_decision");
    expect(after.pending).toEqual([expect.objectContaining({ kind: "actions", action_id: "act-1" })]);
    expect(
      existsSync(join(workspace, "artifacts", "operations", result.thread.split("/")[1]!, "investigation.md")),
    ).toBe(true);
    expect(existsSync(join(workspace, "artifacts", "business"))).toBe(false);

    // leanos trust and ops/today.md name the type as the workspace does.
    const trust = JSON.parse((await cli("trust")).stdout) as { types: Array<{ type: string; answered: number }> };
    expect(trust.types.map((type) => type.type)).toEqual(["sales", "marketing", "operations"]);
    expect(trust.types.find((type) => type.type === "operations")).toMatchObject({ answered: 1 });
    expect((await cli("today")).exitCode).toBe(0);
    const today = await readFile(join(workspace, "ops", "today.md"), "utf8");
    expect(today).toMatch(/\| operations \| 0 \| 0 \| 0 \| 0 \| 1 \| 0 \| 0 \| 1 \|/);
    expect(today).not.toContain("| business |");
  }, 120_000);

  it("takes business and operations alike in a correction, and moves the thread to the folder the workspace writes", async () => {
    const workspace = await operationsWorkspace();
    const cli = cliOn(workspace);
    const started = await withLeanos(workspace, {}, (leanos) =>
      leanos.event({ file: "events/01-elsaai-deal-closed.md" }),
    );
    expect(started.thread).toBe("sales/elsaai-deal-closed");
    const corrected = await cli(
      "correct",
      "elsaai",
      "--edit",
      '{"type":"business"}',
      "--reason",
      "a partnership, not a sale",
    );
    expect(corrected.exitCode, corrected.stderr).toBe(0);
    expect(JSON.parse(corrected.stdout)).toMatchObject({
      thread: "operations/elsaai-deal-closed",
      renamed: "sales/elsaai-deal-closed",
    });
    expect(await metaOf(workspace, "operations/elsaai-deal-closed")).toMatchObject({
      type: "operations",
      corrections: [expect.objectContaining({ fields: { type: "operations" } })],
    });
    expect(existsSync(join(workspace, "threads", "business"))).toBe(false);
    // operations is what it reads already: nothing to correct.
    const same = await cli("correct", "elsaai", "--edit", '{"type":"operations"}');
    expect(same.exitCode).toBe(2);
    expect(same.stderr).toContain("nothing to correct");
  }, 120_000);

  it("is what a model is offered, and a model's reading of business is claimed under it", async () => {
    const server = await startFakeAnthropic();
    try {
      server.script.set("classify_event", [
        { tool: { type: "business", title: "On-call rotation missed two incidents" } },
      ]);
      for (const stage of ["input", "hypothesis", "implication", "decision"])
        server.script.set(`${stage}_stage_output`, [{ tool: await stageExample(stage) }]);
      const workspace = await operationsWorkspace();
      await appendFile(join(workspace, ".leanos", "config.yaml"), "thread_types: [product]\n");
      const result = await runCli(
        ["--workspace", workspace, "--json", "event", "--provider", "anthropic", OPERATIONAL],
        { env: { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url } },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        thread: "operations/call-rotation-missed-two-incidents",
        state: "waiting",
      });
      const { body } = server.requests[0]!;
      const classify = body.tools!.find((tool) => tool.name === "classify_event")! as unknown as {
        input_schema: { properties: { type: { enum: string[] } } };
      };
      expect(classify.input_schema.properties.type.enum).toEqual(["sales", "marketing", "operations", "product"]);
      expect(body.system![0]!.text).toContain('"operations" for everything else');
    } finally {
      await server.close();
    }
  }, 60_000);

  it("is the name a workspace writes only when it has threads/operations/ and no threads/business/", async () => {
    const root = await tempDir();
    const threads = join(root, "threads");
    expect(businessNameOf(threads)).toBe("business");
    await mkdir(join(threads, "operations"), { recursive: true });
    expect(businessNameOf(threads)).toBe("operations");
    await mkdir(join(threads, "business"));
    expect(businessNameOf(threads)).toBe("business");
  });

  it("is the same kind as business everywhere a type is compared", () => {
    const operations = threadTypesOf("operations");
    expect(operations.names).toEqual(["sales", "marketing", "operations"]);
    expect(operations.known).toEqual(["sales", "marketing", "operations", "business"]);
    expect(canonicalType(operations, "business")).toBe("operations");
    expect(canonicalType(DEFAULT_THREAD_TYPES, "operations")).toBe("business");
    expect(canonicalType(DEFAULT_THREAD_TYPES, "product")).toBeUndefined();
    expect(kindOfType("operations")).toBe("business");
    // Trust judged under either name is one type's.
    const judged = [
      { type: "business", judged: "agreed" as const, at: "2026-11-01" },
      { type: "operations", judged: "agreed" as const, at: "2026-11-02" },
    ];
    expect(
      standings(judged, TrustBar.parse({}), operations).map((standing) => [standing.type, standing.answered]),
    ).toEqual([
      ["sales", 0],
      ["marketing", 0],
      ["operations", 2],
    ]);
    // A business action's documents go under the workspace's name of business, or the thread's own business-kind type.
    expect(artifactDir("sales/acme", "business:investigate", operations)).toBe(join("artifacts", "operations", "acme"));
    expect(artifactDir("sales/acme", "business:investigate", DEFAULT_THREAD_TYPES)).toBe(
      join("artifacts", "business", "acme"),
    );
    expect(artifactDir("product/acme", "business:investigate", threadTypesOf("business", ["product"]))).toBe(
      join("artifacts", "product", "acme"),
    );
  });
});

describe("thread types declared in the settings", () => {
  it("starts a thread of a declared type with --type, in its own folder, and runs it to its decision gate", async () => {
    const workspace = await sampleCopy({ autonomy: "earned" });
    await appendFile(join(workspace, ".leanos", "config.yaml"), "thread_types: [product, engineering]\n");
    const cli = cliOn(workspace);
    const started = await cli("event", "--type", "product", PRODUCT);
    expect(started.exitCode, started.stderr).toBe(0);
    const result = JSON.parse(started.stdout) as Result;
    expect(result.thread).toMatch(/^product\/[a-z0-9-]+$/);
    expect(result).toMatchObject({
      state: "waiting",
      pending: [expect.objectContaining({ kind: "impact", node: "gate_decision" })],
    });
    expect(await metaOf(workspace, result.thread)).toMatchObject({ type: "product", state: "waiting" });
    const input = await readFile(join(workspace, "threads", ...result.thread.split("/"), "1-input.md"), "utf8");
    expect(input).toContain("- Type: product");

    // A correction may give a declared type; the thread moves to its folder.
    const moved = await cli("correct", result.thread, "--edit", '{"type":"engineering"}');
    expect(moved.exitCode, moved.stderr).toBe(0);
    const slug = result.thread.split("/")[1]!;
    expect(JSON.parse(moved.stdout)).toMatchObject({ thread: `engineering/${slug}` });
    expect(existsSync(join(workspace, "threads", "engineering", slug, "meta.json"))).toBe(true);

    const trust = JSON.parse((await cli("trust")).stdout) as { types: Array<{ type: string }> };
    expect(trust.types.map((type) => type.type)).toEqual(["sales", "marketing", "business", "product", "engineering"]);
  }, 120_000);

  it("refuses --type of a type the workspace does not declare, naming the setting, and starts nothing", async () => {
    const workspace = await sampleCopy();
    const refused = await runCli(["--workspace", workspace, "event", "--type", "product", PRODUCT]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('"product" is not a thread type of this workspace');
    expect(refused.stderr).toContain("sales, marketing, business");
    expect(refused.stderr).toContain("thread_types in .leanos/config.yaml");
    expect(existsSync(join(workspace, "threads", "product"))).toBe(false);
    // A correction to it is refused the same way.
    const started = await withLeanos(workspace, {}, (leanos) =>
      leanos.event({ file: "events/01-elsaai-deal-closed.md" }),
    );
    const correction = await cliOn(workspace)("correct", started.thread, "--edit", '{"type":"product"}');
    expect(correction.exitCode).toBe(2);
    expect(correction.stderr).toContain("thread_types in .leanos/config.yaml");
    expect(existsSync(join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json"))).toBe(true);
  }, 60_000);

  it("are lower-case identifiers, none of LeanOS's own nor a folder's name, each named once", () => {
    const problem = (thread_types: unknown): string => {
      const parsed = WorkspaceConfig.safeParse({ thread_types });
      return parsed.success ? "" : parsed.error.issues.map((issue) => issue.message).join("; ");
    };
    expect(problem(["product", "engineering", "field_ops"])).toBe("");
    expect(WorkspaceConfig.parse({}).thread_types).toEqual([]);
    expect(problem(["Product"])).toContain("lower-case identifier");
    expect(problem(["customer-success"])).toContain("lower-case identifier");
    expect(problem(["."])).toContain("cannot name a thread type");
    expect(problem(["business"])).toContain("every workspace already");
    expect(problem(["operations"])).toContain("newer name of business");
    expect(problem(["threads"])).toContain("folder of the workspace");
    expect(problem(["product", "product"])).toContain("named twice: product");
    expect(problem("product")).toContain("must be a list");
  });

  it("are what the schemas take: meta.json, stage outputs, the model's tools and a correction", async () => {
    const types = threadTypesOf("operations", ["product"]);
    // The model is offered the types the workspace writes.
    const classify = flowToolDefinitions(types).find((tool) => tool.function.name === "classify_event")!;
    expect((classify.function.parameters as { properties: { type: { enum: string[] } } }).properties.type.enum).toEqual(
      ["sales", "marketing", "operations", "product"],
    );
    const input = flowToolDefinitions(types).find((tool) => tool.function.name === "input_stage_output")!;
    expect(JSON.stringify(input.function.parameters)).toContain('"enum":["sales","marketing","operations","product"]');
    // The ground rules tell the model what each is for.
    const skills = await loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]);
    const rules = systemBlocks({
      canvas: await readCanvas(join(sampleWorkspace, "strategy", "canvas")),
      skills,
      threadTypes: types,
    })[0]!.text;
    expect(rules).toContain('"operations" for everything else');
    expect(rules).toContain('thread types of its own as well: "product"');
    // A stage's output is checked against them; a follow-up's type defaults to the workspace's business.
    const schemas = stageOutputSchemasFor(types);
    const output = {
      title: "Offline mode",
      summary: "s",
      type: "product",
      occurred_on: "2026-11-18",
      source: "s",
      facts: [],
      organizations: [],
      people: [],
      segment: null,
    };
    expect(schemas.input.safeParse(output).success).toBe(true);
    const finance = schemas.input.safeParse({ ...output, type: "finance" });
    expect(finance.success).toBe(false);
    expect(finance.error!.issues[0]!.message).toContain("thread_types in .leanos/config.yaml");
    expect(
      schemas.learning.parse({
        outcome: "o",
        metrics: [],
        validations: [],
        canvas_updates: [],
        opportunities: [{ title: "t", priority: 0.5, rationale: "r" }],
      }).opportunities[0]!.type,
    ).toBe("operations");
    // meta.json of a type the workspace does not know is refused.
    const base = minimalMeta();
    expect(threadMetaIn(types).safeParse({ ...base, thread: "product/x", type: "product" }).success).toBe(true);
    const unknown = threadMetaIn(DEFAULT_THREAD_TYPES).safeParse({ ...base, thread: "product/x", type: "product" });
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]!.message).toContain('"product" is not a thread type of this workspace');
    // A correction's type: either name of business is the workspace's; an unknown one is refused.
    const canvas = await readCanvas(join(sampleWorkspace, "strategy", "canvas"));
    const reading = { type: "sales", assumptions: [], facts: [] };
    expect(checkCorrection({ type: "business" }, canvas, reading, types)).toEqual({ type: "operations" });
    expect(checkCorrection({ type: "product" }, canvas, reading, types)).toEqual({ type: "product" });
    expect(() => checkCorrection({ type: "finance" }, canvas, reading, types)).toThrow(
      /"finance" is not a thread type of this workspace/,
    );
  });

  it("are the workspace's when it is opened", async () => {
    const workspace = await sampleCopy();
    await appendFile(join(workspace, ".leanos", "config.yaml"), "thread_types: [product]\n");
    await mkdir(join(workspace, "threads", "operations"), { recursive: true });
    const opened = await openWorkspace(workspace);
    expect(opened.threadTypes).toMatchObject({
      business: "operations",
      declared: ["product"],
      names: ["sales", "marketing", "operations", "product"],
    });
  });
});

/** A meta.json with every field it must have. */
function minimalMeta(): Record<string, unknown> {
  return {
    thread: "sales/x",
    type: "sales",
    slug: "x",
    title: "x",
    created_at: "2026-11-18T00:00:00.000Z",
    updated_at: "2026-11-18T00:00:00.000Z",
    event: { date: "2026-11-18", source: "s", text: "t" },
    graph: "causal-flow",
    provider: "offline",
    model: "rules-v1",
    state: "waiting",
    stage: null,
    impact: null,
    pending: [],
    files: [],
  };
}

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { threadMetaIn } from "../src/core/threadMeta.js";
import { threadTypesOf } from "../src/core/threadTypes.js";
import { WorkspaceConfig } from "../src/workspace/config.js";
import { quickConfig } from "../src/workspace/configFile.js";
import { quickThreadMeta } from "../src/threads/metaFile.js";
import { IndexRow } from "../src/store/indexRowSchema.js";
import { INDEX_COLUMNS, checkedRow, indexRowOf } from "../src/store/indexRow.js";
import { ShownRecord } from "../src/approvals/shownSchema.js";
import { calendarDate, quickCheck } from "../src/files/quickCheck.js";
import { validateShownRecord } from "../src/validators/read.generated.js";
import { AuditEntry } from "../src/audit/entry.js";
import { GraphFile } from "../src/graph/graphFile.js";
import { ActionSkillMetadata, SkillFrontMatter, StageSkillMetadata } from "../src/skills/schema.js";
import { quickActionMetadata, quickFrontMatter, quickStageMetadata } from "../src/skills/quickSkill.js";
import { MetricsRows } from "../src/actions/metricsRow.js";
import { parseFrontMatter } from "../src/files/frontMatter.js";
import { parseYamlFile } from "../src/files/parsed.js";
import { validateGraphFile, validateMeasurementRows, validateMetricsRows } from "../src/validators/read.generated.js";
import { MeasurementRows } from "../src/goals/measurementRow.js";
import { quickEntry } from "../src/audit/log.js";
import { repoRoot, closedDealCopies } from "./helpers.js";

// The read path checks meta.json, the settings, index rows and the shown record with validators
// generated from the zod schemas at build time (src/files/quickCheck.ts), so `pending` and `status`
// load no zod. What they accept must be what zod accepts, value for value: every file below, and
// every one-step mutation of it (each value replaced by hostile ones, each key dropped, one added),
// is read both ways, and where the quick check vouches for one, zod gives the same value.

const withClosedDeal = closedDealCopies();

const HOSTILE: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2,
  "",
  "x",
  "2026-02-30",
  "2026-11-25",
  "ja\u{1F600}",
  "https://example.com",
  " https://example.com",
  "postgres://db",
  "a".repeat(300),
  [],
  ["x"],
  {},
  true,
];

/** Every value one step from `value`: each leaf replaced, each key dropped, one key added to each object. */
function* mutations(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries())
      for (const changed of [...HOSTILE, ...mutations(item)])
        yield value.map((other, at) => (at === index ? changed : other));
    yield [...value, value[0] ?? "x"];
    return;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    for (const [key, item] of entries) {
      for (const changed of [...HOSTILE, ...mutations(item)]) yield { ...value, [key]: changed };
      yield Object.fromEntries(entries.filter(([other]) => other !== key));
    }
    yield { ...value, unknown_key: "x" };
  }
}

/** The values and every one-step mutation of each. */
const withMutations = (values: readonly unknown[]): unknown[] => [
  ...values,
  ...values.flatMap((value) => [...mutations(value)]),
];

/** How many of `cases` the quick check vouched for; fails on any it took that zod refuses or reads otherwise. */
function agreeWithZod(cases: unknown[], quick: (raw: unknown) => unknown, schema: ZodType): number {
  let vouched = 0;
  for (const raw of cases) {
    const fast = quick(raw);
    if (fast === undefined) continue;
    vouched += 1;
    const slow = schema.safeParse(raw);
    expect(slow.success, `zod refuses what the quick check took: ${JSON.stringify(raw).slice(0, 300)}`).toBe(true);
    expect(isDeepStrictEqual(fast, slow.data), `zod reads it otherwise: ${JSON.stringify(raw).slice(0, 300)}`).toBe(
      true,
    );
  }
  return vouched;
}

describe("the read path's generated validators", () => {
  it("take a thread's meta.json as zod does, and nothing zod refuses, through every one-step mutation of it", async () => {
    const workspace = await withClosedDeal();
    const meta = JSON.parse(
      await readFile(join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json"), "utf8"),
    ) as Record<string, unknown>;
    const withFollowUp = {
      ...meta,
      opportunities: [
        { id: "opp-1", title: "Upsell", priority: 0.7, rationale: "asked", type: "product", status: "proposed" },
      ],
    };
    const plain = threadTypesOf("business");
    const declared = threadTypesOf("business", ["product"]);
    for (const types of [plain, declared]) {
      const cases = [meta, withFollowUp, ...mutations(meta), ...mutations(withFollowUp)];
      const vouched = agreeWithZod(cases, (raw) => quickThreadMeta(raw, types), threadMetaIn(types));
      // Most mutations are refused, but the quick check does take the files leanos writes.
      expect(vouched).toBeGreaterThan(10);
    }
    expect(quickThreadMeta(meta, plain)).toBeDefined();
    // A follow-up of a type the workspace does not declare is zod's to refuse, in its words.
    expect(quickThreadMeta(withFollowUp, plain)).toBeUndefined();
    expect(
      quickThreadMeta({ ...meta, event: { ...(meta.event as object), date: "2026-02-30" } }, plain),
    ).toBeUndefined();
  });

  it("take the settings as zod does, defaults filled, and leave refinements and URLs they cannot vouch for to zod", () => {
    const settings = [
      {},
      { approval_threshold: 0.8, site_url: "https://glamyouup.com" },
      { thread_types: ["product", "engineering"], cache_ttl: "5m", autonomy: "threshold" },
      { connector: "webhook", webhook: { url: "https://hooks.example.com/in" } },
      { database_url: "postgres://db/leanos", workspace_id: "acme", trust: { answered: 5 } },
    ];
    const vouched = agreeWithZod(withMutations(settings), quickConfig, WorkspaceConfig);
    expect(vouched).toBeGreaterThan(20);
    expect(quickConfig({})).toEqual(WorkspaceConfig.parse({}));
    for (const refused of [
      { thread_types: ["sales"] },
      { thread_types: ["product", "product"] },
      { connector: "webhook" },
      { site_url: " https://example.com" },
    ])
      expect(quickConfig(refused), JSON.stringify(refused)).toBeUndefined();
  });

  it("check index rows as the schema says, in its columns, and name a row leanos did not write", async () => {
    expect([...INDEX_COLUMNS]).toEqual(Object.keys(IndexRow.shape));
    const workspace = await withClosedDeal();
    const meta = threadMetaIn(threadTypesOf("business")).parse(
      JSON.parse(await readFile(join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json"), "utf8")),
    );
    const row = indexRowOf(meta);
    expect(
      agreeWithZod(
        [row, ...mutations(row)],
        (raw) => {
          try {
            return checkedRow(structuredClone(raw));
          } catch {
            return undefined;
          }
        },
        IndexRow,
      ),
    ).toBeGreaterThan(0);
    expect(() => checkedRow({ ...row, state: "lost" })).toThrow(
      /the thread index holds a row leanos did not write \(sales\/elsaai-deal-closed: \/state .*\); rebuild it with "leanos reindex"/,
    );
  });

  it("read the record of shown questions as zod does", () => {
    const record = {
      version: 1,
      shown: [{ thread: "sales/x", ids: ["a", "b"], by: "bella", at: "2026-12-07T09:00:00.000Z", server: "s" }],
    };
    expect(
      agreeWithZod([record, ...mutations(record)], (raw) => quickCheck(raw, validateShownRecord), ShownRecord),
    ).toBeGreaterThan(3);
  });

  it("read the audit log's entries as zod does, each kind of them", async () => {
    const workspace = await withClosedDeal();
    const logged = (await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { kind: string });
    const modelCall = {
      kind: "model-call",
      at: "2026-12-07T12:00:00.000Z",
      thread: "sales/x",
      stage: "input",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      input_tokens: 900,
      output_tokens: 90,
      cache_read_tokens: 800,
      cache_write_tokens: 50,
      cached: [{ prefix: "abc", ttl: "5m" }],
      latency_ms: 1200,
      cost_usd: 0.01,
    };
    // One of each kind the flow wrote, a model call, and one written before cache writes were recorded.
    const samples = [
      ...new Map(logged.map((entry) => [entry.kind, entry])).values(),
      modelCall,
      { ...modelCall, cache_write_tokens: undefined, cached: undefined },
    ].map((entry) => JSON.parse(JSON.stringify(entry)) as unknown);
    expect(samples.length).toBeGreaterThan(3);
    const quick = (raw: unknown) => quickEntry(raw);
    expect(agreeWithZod(withMutations(samples), quick, AuditEntry)).toBeGreaterThan(samples.length);
  });

  it("read graph files, skills and metrics rows as zod does", async () => {
    const graph = parseYamlFile("graph", await readFile(join(repoRoot, "graphs", "causal-flow.yaml"), "utf8"));
    expect(
      agreeWithZod([graph, ...mutations(graph)], (raw) => quickCheck(raw, validateGraphFile), GraphFile),
    ).toBeGreaterThan(5);
    const skills: Array<Record<string, unknown>> = [];
    for (const entry of await readdir(join(repoRoot, "skills"), { recursive: true, withFileTypes: true }))
      if (entry.name === "SKILL.md") {
        const file = join(entry.parentPath, entry.name);
        skills.push(parseFrontMatter(file, await readFile(file, "utf8")).data);
      }
    expect(skills.length).toBeGreaterThan(10);
    expect(agreeWithZod(skills, quickFrontMatter, SkillFrontMatter)).toBe(skills.length);
    const metadata = skills.map((skill) => skill.metadata as Record<string, unknown>);
    const stages = metadata.filter((one) => "stage" in one);
    const actions = metadata.filter((one) => "type" in one);
    expect(agreeWithZod(withMutations(stages), quickStageMetadata, StageSkillMetadata)).toBeGreaterThanOrEqual(
      stages.length,
    );
    expect(agreeWithZod(withMutations(actions), quickActionMetadata, ActionSkillMetadata)).toBeGreaterThanOrEqual(
      actions.length,
    );
    const rows = parseYamlFile(
      "metrics",
      await readFile(join(repoRoot, "examples", "workspace", "ops", "metrics", "2026-11.yaml"), "utf8"),
    ) as unknown[];
    const few = rows.slice(0, 2);
    expect(
      agreeWithZod([rows, ...mutations(few)], (raw) => quickCheck(raw, validateMetricsRows), MetricsRows),
    ).toBeGreaterThan(2);
    // A goal's measurement rows, with the calendar check the reader adds (goals/measurements.ts).
    const measured = [
      { date: "2026-12-01", metric: "MRR", value: 4200, currency: "EUR" },
      { date: "2026-12-02", metric: "Churn", value: 1.9, unit: "%", note: "from the billing report" },
    ];
    const quickMeasurements = (raw: unknown) =>
      quickCheck<Array<{ date: string }>>(raw, validateMeasurementRows, (list) =>
        list.every((row) => calendarDate(row.date)),
      );
    expect(
      agreeWithZod(
        [measured, ...mutations(measured), [{ ...measured[0], date: "2026-11-31" }]],
        quickMeasurements,
        MeasurementRows,
      ),
    ).toBeGreaterThan(2);
  });
});

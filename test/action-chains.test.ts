import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, sampleCopy, type CliResult } from "./helpers.js";
import { passInProcess, withLeanos } from "./library.js";

interface ThreadJson {
  thread: string;
  state: "waiting" | "done" | "failed";
  pending: Array<{ kind: string; action_id?: string; question: string; outcomes?: string[]; draft?: string }>;
}

const LEAD = "sales/inbound-demo-request-atelier-rouge";

async function cli(workspace: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(["--workspace", workspace, "--json", ...args], { env: { LEANOS_USER: "bella", ...env } });
}

async function step(workspace: string, args: string[], env: Record<string, string> = {}): Promise<ThreadJson> {
  const result = await cli(workspace, args, env);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ThreadJson;
}

/** Bella looks at what waits (pending records the questions as shown to her), as she does before answering. */
async function look(workspace: string): Promise<void> {
  const listed = await cli(workspace, ["pending"]);
  expect(listed.exitCode, listed.stderr).toBe(0);
}

async function report(workspace: string, thread: string, outcome: string): Promise<ThreadJson> {
  await look(workspace);
  return step(workspace, ["approve", thread, "--edit", JSON.stringify({ outcome })]);
}

async function plan(
  workspace: string,
  thread: string,
): Promise<
  Array<{
    id: string;
    type: string;
    status: string;
    outcome?: string;
    closing?: string;
    follows?: string;
    artifacts?: string[];
  }>
> {
  const front = matter(
    await readFile(join(workspace, "threads", ...thread.split("/"), "5-actions", "execution-log.md"), "utf8"),
    {},
  ).data;
  return (front.output as { actions: never[] }).actions;
}

async function files(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).sort();
}

describe("sales chains through the CLI, each answer in its own process", () => {
  it("takes an inbound lead to a won deal: lead-intake -> qualify -> demo -> pilot -> close -> learning", async () => {
    const workspace = await sampleCopy();
    const started = await step(workspace, [
      "event",
      "--file",
      join(workspace, "events", "03-inbound-lead-atelier-rouge.md"),
    ]);
    expect(started.thread).toBe(LEAD);
    // Lead intake ran by itself and scored the lead against the luxury ICP.
    const score = await readFile(
      join(workspace, "artifacts", "sales", "inbound-demo-request-atelier-rouge", "lead-score.md"),
      "utf8",
    );
    expect(score).toMatch(/\*\*Overall score: 0\.\d+\*\* \(threshold 0\.6\)/);
    expect(score).toContain("| Return burden on ready-to-wear | 0.25 |");
    expect(started.pending).toEqual([
      expect.objectContaining({
        kind: "actions",
        action_id: "act-2",
        outcomes: ["qualified", "disqualified"],
        draft: "artifacts/sales/inbound-demo-request-atelier-rouge/call-script.md",
      }),
    ]);
    expect(await readFile(join(workspace, started.pending[0]!.draft!), "utf8")).toContain("Atelier Rouge");

    // A person's action needs the outcome they saw; a plain approve is refused and changes nothing.
    await look(workspace);
    const plain = await cli(workspace, ["approve", LEAD]);
    expect(plain.exitCode).toBe(2);
    expect(plain.stderr).toContain(`--edit '{"outcome":"qualified"}'`);

    const demo = await report(workspace, LEAD, "qualified");
    expect(demo.pending[0]).toMatchObject({
      action_id: "act-3",
      outcomes: ["pilot-requested", "ready-to-buy", "lost"],
    });
    const pilot = await report(workspace, LEAD, "pilot-requested");
    expect(pilot.pending[0]).toMatchObject({ action_id: "act-4", outcomes: ["success", "failed"] });
    const close = await report(workspace, LEAD, "success");
    expect(close.pending[0]).toMatchObject({ action_id: "act-5", outcomes: ["won", "lost"] });
    const won = await report(workspace, LEAD, "won");
    expect(won.pending[0]!.kind).toBe("canvas");

    expect(
      (await plan(workspace, LEAD)).map((action) => [
        action.id,
        action.type,
        action.status,
        action.outcome,
        action.follows ?? null,
      ]),
    ).toEqual([
      ["act-1", "sales:lead-intake", "completed", "fit", null],
      ["act-2", "sales:qualify", "completed", "qualified", "act-1"],
      ["act-3", "sales:demo", "completed", "pilot-requested", "act-2"],
      ["act-4", "sales:pilot", "completed", "success", "act-3"],
      ["act-5", "sales:close", "completed", "won", "act-4"],
    ]);
    expect((await plan(workspace, LEAD)).at(-1)!.closing).toBe("closed-won");
    expect(await files(join(workspace, "artifacts", "sales", "inbound-demo-request-atelier-rouge"))).toEqual([
      "call-script.md",
      "contract-checklist.md",
      "lead-score.md",
      "pilot-checklist.md",
      "pitch-outline.md",
    ]);
    expect(await files(join(workspace, "threads", "sales", "inbound-demo-request-atelier-rouge", "5-actions"))).toEqual(
      [
        "execution-log.md",
        "ledger",
        "sales-close.md",
        "sales-demo.md",
        "sales-lead-intake.md",
        "sales-pilot.md",
        "sales-qualify.md",
      ],
    );
    const learning = matter(
      await readFile(
        join(workspace, "threads", "sales", "inbound-demo-request-atelier-rouge", "6-learning.md"),
        "utf8",
      ),
      {},
    ).data.output as { outcome: string };
    expect(learning.outcome).toContain("The action chain ended closed-won.");
    // Nothing left the machine in a sales chain.
    expect(existsSync(join(workspace, "artifacts", "outbox"))).toBe(false);
  });
});

describe("a sales chain's outcomes", () => {
  it("ends a lost deal at closed-lost, and refuses an outcome the template does not list", async () => {
    const workspace = await sampleCopy();
    // Up to the demo through the library; the refusal is the CLI's.
    await withLeanos(workspace, { user: "bella" }, async (leanos) => {
      await leanos.event({ file: "events/03-inbound-lead-atelier-rouge.md" });
      await leanos.approve(LEAD, { outcome: "qualified" });
    });
    const metaPath = join(workspace, "threads", "sales", "inbound-demo-request-atelier-rouge", "meta.json");
    const before = await readFile(metaPath, "utf8");
    await look(workspace);
    const wrong = await cli(workspace, ["approve", LEAD, "--edit", '{"outcome":"maybe"}']);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(
      /"maybe" is not an outcome of this action \(its outcomes: pilot-requested, ready-to-buy, lost\)/,
    );
    expect(await readFile(metaPath, "utf8")).toBe(before);

    const lost = await withLeanos(workspace, { user: "bella" }, (leanos) => leanos.approve(LEAD, { outcome: "lost" }));
    expect(lost.pending.map((item) => item.kind)).toEqual(["canvas"]);
    const actions = await plan(workspace, LEAD);
    expect(actions.map((action) => action.type)).toEqual(["sales:lead-intake", "sales:qualify", "sales:demo"]);
    expect(actions.at(-1)).toMatchObject({ outcome: "lost", closing: "closed-lost" });
    const learning = matter(
      await readFile(
        join(workspace, "threads", "sales", "inbound-demo-request-atelier-rouge", "6-learning.md"),
        "utf8",
      ),
      {},
    ).data.output as { outcome: string; validations: Array<{ result: string }> };
    expect(learning.outcome).toContain("closed-lost");
    expect(learning.validations.every((validation) => validation.result !== "success")).toBe(true);
  });
});

const CAMPAIGN_EVENT =
  "Case study: Luxury brands prefer a white-label SDK. A4 reached 95% after the ElsaAI deal ($1.1M ARR, 38% return reduction); a named customer story helps the next luxury buyers. Follow-up of threads/sales/elsaai-deal-closed.";
const CAMPAIGN = "marketing/case-study-luxury-brands-prefer-white";

async function campaignWorkspace(): Promise<string> {
  const workspace = await sampleCopy();
  await writeFile(
    join(workspace, "ops", "metrics", "2026-12.yaml"),
    [
      "- { date: 2026-11-27, piece: case-study-luxury-brands-prefer-white/case-study, channel: blog, sessions: 900, demos: 8, conversions: 1 }",
      "- { date: 2026-11-28, piece: case-study-luxury-brands-prefer-white/linkedin, channel: linkedin, sessions: 300, demos: 2, conversions: 0 }",
      "- { date: 2026-11-28, piece: some-other-campaign, channel: blog, sessions: 5000, demos: 50, conversions: 9 }",
    ].join("\n"),
  );
  return workspace;
}

describe("the marketing chain", () => {
  it("runs research -> create -> publish -> promote -> measure -> learning, sending only after approval", async () => {
    const workspace = await campaignWorkspace();
    // Through the library, as bella, on 2026-11-26: the chain is the subject, not the command line.
    const at = (now: string) => ({ now, user: "bella" });
    const started = await withLeanos(workspace, at("2026-11-26T08:00:00Z"), (leanos) =>
      leanos.event({ text: CAMPAIGN_EVENT }, { type: "marketing" }),
    );
    expect(started.thread).toBe(CAMPAIGN);
    expect(started.pending).toEqual([expect.objectContaining({ kind: "actions", action_id: "act-3" })]);
    expect(started.pending[0]!.question).toMatch(/marketing:publish .*It sends to customers/);
    const dir = join(workspace, "artifacts", "marketing", "campaigns", "case-study-luxury-brands-prefer-white");
    // Drafted and prepared, but nothing has left the machine before the approval.
    expect(await files(dir)).toEqual([
      "blog.md",
      "case-study.md",
      "email.md",
      "linkedin-post.md",
      "linkedin.md",
      "newsletter.md",
      "research-brief.md",
    ]);
    expect(existsSync(join(workspace, "artifacts", "outbox"))).toBe(false);
    expect(await readFile(join(dir, "case-study.md"), "utf8")).toContain("38%");
    // Every document says it was filled by the offline rules, not written by a model or a person.
    for (const name of await files(dir))
      expect(matter(await readFile(join(dir, name), "utf8")).data).toMatchObject({
        drafted_by: "offline",
        model: "rules-v1",
      });

    const promote = await withLeanos(workspace, at("2026-11-26T08:00:00Z"), (leanos) => leanos.approve(CAMPAIGN));
    expect(promote.pending[0]).toMatchObject({ action_id: "act-4" });
    const outbox = join(workspace, "artifacts", "outbox");
    const afterPublish = await files(outbox);
    expect(afterPublish).toHaveLength(3);
    const payloads = await Promise.all(
      afterPublish.map(
        async (name) => JSON.parse(await readFile(join(outbox, name), "utf8")) as Record<string, string | boolean>,
      ),
    );
    expect(payloads.map((payload) => payload.channel).sort()).toEqual(["blog", "linkedin", "newsletter"]);
    for (const payload of payloads) {
      expect(payload).toMatchObject({
        dry_run: true,
        thread: CAMPAIGN,
        action_id: "act-3",
        action_type: "marketing:publish",
        approved_by: "bella",
        drafted_by: "offline",
      });
      // The mark travels in the payload; the body that would be posted has no front matter.
      expect(String(payload.body)).not.toMatch(/^---|drafted_by/);
      expect(String(payload.url)).toContain("utm_campaign=case-study-luxury-brands-prefer-white");
      expect(String(payload.body).length).toBeGreaterThan(200);
    }
    const record = parseYaml(await readFile(join(dir, "distribution-record.yaml"), "utf8")) as {
      approved_by: string;
      sends: Array<{ status: string }>;
    };
    expect(record.approved_by).toBe("bella");
    expect(record.sends.map((send) => send.status)).toEqual(["dry-run", "dry-run", "dry-run"]);

    const measuring = await withLeanos(workspace, at("2026-11-30T08:00:00Z"), (leanos) => leanos.approve(CAMPAIGN));
    expect(measuring).toMatchObject({ state: "scheduled", pending: [] });
    const scheduled = (await files(outbox)).filter((name) => !afterPublish.includes(name));
    expect(scheduled).toHaveLength(3);
    const schedule = parseYaml(await readFile(join(dir, "promotion-schedule.yaml"), "utf8")) as {
      sends: Array<{ scheduled_for: string }>;
    };
    expect(schedule.sends.map((send) => send.scheduled_for)).toEqual(["2026-11-28", "2026-12-05", "2026-12-12"]);
    // The measure action runs at its day-7 and day-30 checks (passes with a fake clock), then the thread learns.
    expect(await passInProcess(workspace, "2026-12-06T08:00:00Z")).toMatchObject({ advanced: [] });
    expect(await passInProcess(workspace, "2026-12-07T08:00:00Z")).toMatchObject({
      advanced: [{ thread: CAMPAIGN, state: "scheduled", next_due: "2026-12-30" }],
    });
    const measurement = await readFile(join(dir, "measurement-day7.md"), "utf8");
    // Only this campaign's rows, from ops/metrics: 1,200 sessions and 10 demos.
    expect(measurement).toMatch(/1,?200/);
    expect(measurement).toContain("0.83%");
    expect(measurement).not.toContain("some-other-campaign");
    expect(existsSync(join(dir, "measurement-day30.md"))).toBe(false);
    expect(await passInProcess(workspace, "2026-12-30T08:00:00Z")).toMatchObject({
      advanced: [{ thread: CAMPAIGN, state: "done" }],
    });
    expect(existsSync(join(dir, "measurement-day30.md"))).toBe(true);
    const learned = JSON.parse(
      await readFile(join(workspace, "threads", ...CAMPAIGN.split("/"), "meta.json"), "utf8"),
    ) as { stage: string; state: string };
    expect(learned).toMatchObject({ stage: "learning", state: "done" });
    expect((await plan(workspace, CAMPAIGN)).map((action) => [action.type, action.outcome])).toEqual([
      ["marketing:research", "brief-ready"],
      ["marketing:create", "draft-ready"],
      ["marketing:publish", "published"],
      ["marketing:promote", "promoted"],
      ["marketing:measure", "measured"],
    ]);
  });

  it("repeats nothing when a process dies right after an action's side effects and the thread is resumed", async () => {
    const workspace = await campaignWorkspace();
    const started = await withLeanos(workspace, {}, (leanos) =>
      leanos.event({ text: CAMPAIGN_EVENT }, { type: "marketing" }),
    );
    expect(started.pending[0]).toMatchObject({ action_id: "act-3" });
    await look(workspace);
    const killed = await cli(workspace, ["approve", CAMPAIGN], { LEANOS_FAULT: "crash-after:marketing:publish" });
    expect(killed.exitCode).not.toBe(0);
    const outbox = join(workspace, "artifacts", "outbox");
    const sent = await files(outbox);
    expect(sent).toHaveLength(3);
    const times = await Promise.all(sent.map(async (name) => (await stat(join(outbox, name))).mtimeMs));
    const ledger = await readFile(
      join(workspace, "threads", ...CAMPAIGN.split("/"), "5-actions", "ledger", "act-3.json"),
      "utf8",
    );

    // The checkpoint never saw publish finish; resuming runs the node again, and the ledger answers.
    const resumed = await step(workspace, ["resume", CAMPAIGN]);
    expect(resumed.pending[0]).toMatchObject({ action_id: "act-4" });
    expect(await files(outbox)).toEqual(sent);
    expect(await Promise.all(sent.map(async (name) => (await stat(join(outbox, name))).mtimeMs))).toEqual(times);
    expect(
      await readFile(join(workspace, "threads", ...CAMPAIGN.split("/"), "5-actions", "ledger", "act-3.json"), "utf8"),
    ).toBe(ledger);
    const actions = await plan(workspace, CAMPAIGN);
    expect(actions.filter((action) => action.type === "marketing:publish")).toHaveLength(1);
    expect(actions.filter((action) => action.type === "marketing:promote")).toHaveLength(1);
  });
});

describe("the webhook connector", () => {
  let server: Server;
  let url: string;
  const received: Array<{ key: string | undefined; body: Record<string, unknown> }> = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          response.statusCode = 500;
          response.end("down");
          return;
        }
        received.push({
          key: request.headers["idempotency-key"] as string | undefined,
          body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
        });
        response.statusCode = 202;
        response.end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/leanos`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("keeps the action pending when the webhook answers 500 three times, and sends once when it is back", async () => {
    const workspace = await campaignWorkspace();
    await writeFile(
      join(workspace, ".leanos", "config.yaml"),
      `approval_threshold: 0.8\nautonomy: threshold\nsite_url: https://glamyouup.com\nconnector: webhook\nwebhook:\n  url: ${url}\n  retries: 3\n`,
    );
    await withLeanos(workspace, {}, (leanos) => leanos.event({ text: CAMPAIGN_EVENT }, { type: "marketing" }));
    failuresLeft = 3;
    await look(workspace);
    const failed = await cli(workspace, ["approve", CAMPAIGN]);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(
      /webhook http:\/\/127\.0\.0\.1:\d+\/hooks\/leanos refused marketing:publish act-3 \(\w+\) after 3 attempt\(s\): HTTP 500; the action stays pending/,
    );
    expect(received).toHaveLength(0);
    const status = JSON.parse((await cli(workspace, ["status", CAMPAIGN])).stdout) as {
      state: string;
      current_action: { id: string; status: string };
    };
    expect(status).toMatchObject({ state: "failed", current_action: { id: "act-3" } });
    expect((await plan(workspace, CAMPAIGN)).find((action) => action.id === "act-3")!.status).not.toBe("completed");

    const resumed = await step(workspace, ["resume", CAMPAIGN]);
    expect(resumed.pending[0]).toMatchObject({ action_id: "act-4" });
    expect(received.map((entry) => entry.body.channel).sort()).toEqual(["blog", "linkedin", "newsletter"]);
    for (const entry of received) {
      expect(entry.key).toBe(entry.body.idempotency_key);
      expect(entry.body).toMatchObject({ action_type: "marketing:publish", approved_by: "bella" });
    }
    const record = parseYaml(
      await readFile(
        join(
          workspace,
          "artifacts",
          "marketing",
          "campaigns",
          "case-study-luxury-brands-prefer-white",
          "distribution-record.yaml",
        ),
        "utf8",
      ),
    ) as { sends: Array<{ status: string }> };
    expect(record.sends.map((send) => send.status)).toEqual(["sent", "sent", "sent"]);
  });
});

describe("action templates are data", () => {
  it("runs a new action type added as a folder, with no TypeScript", async () => {
    const workspace = await sampleCopy();
    const dir = join(workspace, "skills", "marketing-webinar");
    await mkdir(join(dir, "assets"), { recursive: true });
    await writeFile(
      join(dir, "SKILL.md"),
      [
        "---",
        "name: marketing-webinar",
        "description: Prepares a customer webinar from the thread's evidence. Use when a win deserves a live session.",
        "metadata:",
        "  type: marketing:webinar",
        "  owner: ai",
        "  human_required: false",
        "  duration_days: 14",
        "  outcomes:",
        "    planned: learning",
        "---",
        "Plan a 30-minute webinar around the customer's result.",
      ].join("\n"),
    );
    await writeFile(
      join(dir, "assets", "webinar-plan.md"),
      "# Webinar with {{org}}\n\nHeadline number: {{percents.0}}\nDecision: {{decision.statement}}\n",
    );
    const { started, edited } = await withLeanos(workspace, { user: "bella" }, async (leanos) => {
      const started = await leanos.event({ file: "events/01-elsaai-deal-closed.md" });
      const edited = await leanos.approve(started.thread, {
        actions: [{ type: "marketing:webinar", title: "Webinar with ElsaAI" }],
      });
      return { started, edited };
    });
    expect(edited.pending.map((item) => item.kind)).toEqual(["canvas"]);
    const plan_ = await plan(workspace, started.thread);
    expect(plan_).toEqual([
      expect.objectContaining({ type: "marketing:webinar", status: "completed", outcome: "planned" }),
    ]);
    const text = await readFile(
      join(workspace, "artifacts", "marketing", "campaigns", "elsaai-deal-closed", "webinar-plan.md"),
      "utf8",
    );
    // Filled by the offline rules, and marked so.
    expect(text).toBe(
      "---\ndrafted_by: offline\nmodel: rules-v1\n---\n# Webinar with ElsaAI\n\nHeadline number: 38% return reduction achieved in the pilot\nDecision: PROCEED: capture the ElsaAI win and turn its evidence into a case study for the luxury-fashion segment\n",
    );
  });

  it("refuses a template whose routing names an unknown action type, naming the file", async () => {
    const workspace = await sampleCopy();
    const dir = join(workspace, "skills", "sales-qualify");
    await mkdir(dir, { recursive: true });
    const file = join(dir, "SKILL.md");
    await writeFile(
      file,
      "---\nname: sales-qualify\ndescription: Qualify.\nmetadata:\n  type: sales:qualify\n  owner: human\n  human_required: true\n  duration_days: 5\n  outcomes:\n    qualified: sales:teleport\n---\nCall them.\n",
    );
    const result = await cli(workspace, ["pending"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain(
      'metadata.outcomes.qualified: "sales:teleport" is not an action type with a template',
    );
  });
});

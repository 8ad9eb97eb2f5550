import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFrontMatter } from "../../src/files/frontMatter.js";
import { Runtime } from "../../src/runtime/engine.js";
import { addGoal } from "../../src/goals/newGoal.js";
import type { ActionsOutput, DecisionOutput } from "../../src/core/stageSchemas.js";
import type { WebServer } from "../../src/web/server.js";
import { copyWaitingThread } from "./clones.js";
import { closedDeal, formOf, meta, post, serving } from "./serving.js";
import { eventFile, sampleCopy } from "../helpers.js";

// What the pages say, against the real server: today's page as the workspace is now, what each stage of
// a thread came to, the plan as the action engine has grown it, the SLA column, and a YAML block inside
// a markdown document.

const DAY_MS = 24 * 60 * 60 * 1000;

const page = async (server: WebServer, path: string): Promise<string> => {
  const response = await fetch(new URL(path, server.url));
  expect(response.status, path).toBe(200);
  return response.text();
};

/** The count in the header's Inbox link ("" when nothing waits). */
const badge = (html: string): string =>
  /<a href="\/inbox"[^>]*>Inbox(?: <span class="count">(\d+)<\/span>)?<\/a>/.exec(html)?.[1] ?? "";

/** Markup as the text a reader sees. */
const textOf = (html: string): string =>
  html
    .replace(/<[^>]+>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** One stage of a thread's timeline, as markup. */
const stageOf = (html: string, name: string): string =>
  new RegExp(`<li class="stage \\w+">\\s*<h2>\\d\\. ${name} [\\s\\S]*?</li>`).exec(html)?.[0] ?? "";

/** A row of the threads list: its class and its cells after the first, by heading. */
function rowOf(html: string, thread: string): { overdue: boolean; state: string; stage: string; sla: string } {
  const row = new RegExp(
    `<tr class="([^"]*)">\\s*<td><a href="/threads/${thread}">[\\s\\S]*?</td>\\s*((?:<td>[^<]*</td>)+)`,
  ).exec(html);
  expect(row, thread).not.toBeNull();
  const cells = [...row![2]!.matchAll(/<td>([^<]*)<\/td>/g)].map((cell) => textOf(cell[1]!));
  return { overdue: row![1]!.split(" ").includes("overdue"), state: cells[0]!, stage: cells[1]!, sla: cells[4]! };
}

/** Answers what waits on `thread` through the inbox's form, as a person on the page does. */
async function accept(server: WebServer, thread: string): Promise<void> {
  const inbox = await page(server, "/inbox");
  const item =
    new RegExp(`<article class="item"[^>]*data-thread="${thread}"[\\s\\S]*?</article>`).exec(inbox)?.[0] ?? "";
  const answered = await post(server, {
    csrf: formOf(inbox, "csrf"),
    thread,
    interrupt: formOf(item, "interrupt"),
    answer: "accept",
  });
  expect(answered.status).toBe(303);
}

const threadFile = (workspace: string, thread: string, file: string) =>
  join(workspace, "threads", ...thread.split("/"), file);

describe("leanos serve: today's page", () => {
  it("is built from the workspace at each request, never read from an older ops/today.md, and counts what the inbox's badge counts", async () => {
    const { workspace, thread } = await closedDeal();
    const [other] = await copyWaitingThread(workspace, thread, 1, () => 0.9);
    // ops/today.md from an older morning, when three questions waited.
    await mkdir(join(workspace, "ops"), { recursive: true });
    const older = "# Today: 2026-11-01\n\n## Needs your attention (3)\n\n1. three things\n";
    await writeFile(join(workspace, "ops", "today.md"), older);
    const server = await serving(workspace);

    const today = await page(server, "/today");
    expect(badge(today)).toBe("2");
    expect(today).toContain("<h2>Needs your attention (2)</h2>");
    expect(today).not.toContain("three things");
    expect(today).toContain(`<code>${thread}</code>`);
    expect(today).toContain(`<code>${other!.thread}</code>`);
    expect(badge(await page(server, "/inbox"))).toBe("2");
    // Reading the page wrote nothing.
    expect(await readFile(join(workspace, "ops", "today.md"), "utf8")).toBe(older);

    // The decision is answered: the next request shows what waits now, the action the thread moved on to.
    await accept(server, thread);
    const moved = await page(server, "/today");
    expect(badge(moved)).toBe("2");
    expect(moved).toContain("<h2>Needs your attention (2)</h2>");
    expect(moved).toMatch(
      new RegExp(
        `Approve act-3 marketing:publish[^<]*</strong> <code>${thread}</code>|<code>${thread}</code>: Approve act-3`,
      ),
    );

    // Writing it to ops/today.md is the page's button (with the form's secret): what `leanos today` writes.
    expect(
      (
        await fetch(new URL("/today", server.url), {
          method: "POST",
          body: new URLSearchParams({ csrf: "guessed" }),
          redirect: "manual",
        })
      ).status,
    ).toBe(403);
    const written = await fetch(new URL("/today", server.url), {
      method: "POST",
      body: new URLSearchParams({ csrf: formOf(moved, "csrf") }),
      redirect: "manual",
    });
    expect(written.status).toBe(303);
    const file = await readFile(join(workspace, "ops", "today.md"), "utf8");
    expect(file).toContain("## Needs your attention (2)");
    const attention = (html: string) => /<h2>Needs your attention[\s\S]*?<h2>/.exec(html)?.[0];
    const { markdownHtml } = await import("../../src/web/render.js");
    expect(attention(moved)).toBe(attention(markdownHtml(file)));
  });
});

describe("leanos serve: the goals on today's page", () => {
  it("shows each active goal with where it stands and why, from the metrics file", async () => {
    const { workspace } = await closedDeal();
    await addGoal(workspace, "USD", {
      objective: "ARR >= $5M by 2027-03-31",
      criteria: [],
      baselines: ["ARR = $3.66M"],
      today: "2026-11-20",
    });
    await writeFile(
      join(workspace, "ops", "metrics", "2026-12.yaml"),
      "- { date: 2026-11-25, metric: ARR, value: 3900000 }\n",
    );
    const server = await serving(workspace, "127.0.0.1", new Date("2026-11-26T08:00:00Z"));
    const today = textOf(await page(server, "/today"));
    expect(today).toContain("Goals");
    expect(today).toContain(
      "g-arr-5m ARR >= $5M by 2027-03-31: on track. ARR $3,900,000 of $5,000,000 on 2026-11-25, 18% of the way",
    );
  });
});

describe("leanos serve: the goal a thread serves", () => {
  it("is on the thread's page with where it stands, and the page's form links the thread to none", async () => {
    const workspace = await sampleCopy();
    await addGoal(workspace, "USD", {
      objective: "ARR >= $5M by 2027-03-31",
      criteria: [],
      baselines: ["ARR = $3.66M"],
      today: "2026-11-20",
    });
    const runtime = await Runtime.open({ workspace, provider: "offline" });
    const { thread } = await runtime
      .startEvent({
        text: await readFile(eventFile("01-elsaai-deal-closed.md"), "utf8"),
        date: "2026-11-26",
        source: "test",
      })
      .finally(() => runtime.close());
    const server = await serving(workspace, "127.0.0.1", new Date("2026-11-26T08:00:00Z"));
    const html = await page(server, `/threads/${thread}`);
    expect(textOf(/<p class="goal">[\s\S]*?<\/p>/.exec(html)?.[0] ?? "")).toBe(
      "Serves goal g-arr-5m: ARR >= $5M by 2027-03-31; unmeasured: ARR $3,660,000 of $5,000,000 on 2026-11-20: no value measured since the goal began, so no pace yet",
    );
    expect(html).toContain('<a href="/files/strategy/goals/active/g-arr-5m.md">g-arr-5m</a>');
    expect(html).toContain('placeholder="g-arr-5m, none"');
    const relinked = await fetch(new URL("/threads/correct", server.url), {
      method: "POST",
      body: new URLSearchParams({ csrf: formOf(html, "csrf"), thread, goal: "none", reason: "an old deal" }),
      redirect: "manual",
    });
    expect(relinked.status).toBe(303);
    expect((await meta(workspace, thread)).goal_id).toBeNull();
    expect(await page(server, `/threads/${thread}`)).not.toContain('<p class="goal">');
  });
});

describe("leanos serve: a thread's page", () => {
  it("says what each stage came to: the implication's impact, the decision's verdict and statement", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    const html = await page(server, `/threads/${thread}`);
    const decided = parseFrontMatter(
      "4-decision.md",
      await readFile(threadFile(workspace, thread, "4-decision.md"), "utf8"),
    ).data.output as DecisionOutput;

    const decision = stageOf(html, "decision");
    const shown = /<p class="verdict"><strong>(\w+)<\/strong>: ([^<]+)<\/p>/.exec(decision);
    expect(shown?.[1]).toBe(decided.verdict);
    expect(shown?.[1]).toBe("PROCEED");
    // The statement, once: its opening verdict is the one in front.
    const statement = textOf(shown![2]!);
    expect(statement.length).toBeGreaterThan(20);
    expect(decided.statement.endsWith(statement)).toBe(true);
    expect(statement).not.toMatch(/^PROCEED/);

    expect(textOf(stageOf(html, "implication"))).toMatch(
      /Impact 0\.87 \(VENTURE\): [a-z ]+ [\d.]+, [a-z ]+ [\d.]+, [a-z ]+ [\d.]+/,
    );
  });

  it("counts the plan as it is now: the actions the engine added after each outcome, and those that wait for a person", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    const plan = async () =>
      (
        parseFrontMatter(
          "execution-log.md",
          await readFile(threadFile(workspace, thread, "5-actions/execution-log.md"), "utf8"),
        ).data.output as ActionsOutput
      ).actions;

    // The decision planned one action (the research); once it is accepted, the engine runs the AI's
    // actions and adds each next one after its outcome, up to publishing, which waits for a person.
    await accept(server, thread);
    expect(
      (await plan()).map((action) => `${action.id} ${action.type}${action.follows ? ` after ${action.follows}` : ""}`),
    ).toEqual([
      "act-1 marketing:research",
      "act-2 marketing:create after act-1",
      "act-3 marketing:publish after act-2",
    ]);
    let actions = textOf(stageOf(await page(server, `/threads/${thread}`), "actions"));
    expect(actions).toContain(
      "3 actions planned (2 added after an outcome); 1 needs a person: act-3 waits for you now.",
    );
    expect(actions).not.toContain("0 need a human");

    // Publishing accepted: promoting is added, and waits for a person too.
    await accept(server, thread);
    expect((await plan()).at(-1)).toMatchObject({ id: "act-4", type: "marketing:promote", follows: "act-3" });
    const html = await page(server, `/threads/${thread}`);
    actions = textOf(stageOf(html, "actions"));
    expect(actions).toContain(
      "4 actions planned (3 added after an outcome); 2 need a person: act-4 waits for you now.",
    );
    // The table says who of them a person approves.
    expect(html).toMatch(/<td>act-3<\/td><td>marketing:publish<\/td><td>[^<]*<\/td><td>AI; a person approves<\/td>/);
  });
});

describe("leanos serve: the threads list", () => {
  it("fills the SLA column: the days in the stage against its sla_days, or against the due date of the action the thread is on; late ones marked", async () => {
    const { workspace, thread } = await closedDeal();
    // A second thread that stays at the decision, whose SLA in graphs/causal-flow.yaml is 7 days.
    const [other] = await copyWaitingThread(workspace, thread, 1, () => 0.9);
    const runtime = await Runtime.open({ workspace, provider: "offline" });
    try {
      await runtime.answer(thread, { type: "accept", args: null, by: "cli" });
    } finally {
      await runtime.close();
    }
    // The first is on an action now: the actions stage has no sla_days; the action has its due date.
    const moved = await meta(workspace, thread);
    expect(moved.current_action).toMatchObject({ id: "act-3" });
    const due = moved.current_action!.due;

    const now = await serving(workspace);
    let list = await page(now, "/threads");
    expect(rowOf(list, other!.thread)).toEqual({
      overdue: false,
      state: "waiting",
      stage: "decision",
      sla: "0 of 7 day(s)",
    });
    expect(rowOf(list, thread)).toEqual({
      overdue: false,
      state: "waiting",
      stage: "actions",
      sla: `0 day(s); act-3 due ${due}`,
    });

    // Thirty days on, both are late.
    const later = new Date(Date.parse(moved.updated_at) + 30 * DAY_MS);
    expect(due < later.toISOString().slice(0, 10)).toBe(true);
    list = await page(await serving(workspace, "127.0.0.1", later), "/threads");
    expect(rowOf(list, other!.thread)).toEqual({
      overdue: true,
      state: "waiting",
      stage: "decision",
      sla: "30 of 7 day(s)",
    });
    expect(rowOf(list, thread)).toEqual({
      overdue: true,
      state: "waiting",
      stage: "actions",
      sla: `30 day(s); act-3 due ${due}`,
    });
  });
});

describe("leanos serve: markdown documents", () => {
  it("shows a YAML block inside a document as its fields: a blog post's title and slug ahead of its text, a block closed by ---, a block between two --- lines", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    // Accepting the decision drafts the campaign; the blog post is what publishing asks about.
    await accept(server, thread);
    const blog = "artifacts/marketing/campaigns/elsaai-deal-closed/blog.md";
    const body = parseFrontMatter(blog, await readFile(join(workspace, blog), "utf8")).content;
    expect(body).toMatch(/^title: .+\nslug: elsaai-deal-closed\n/);
    for (const html of [await page(server, `/files/${blog}`), await page(server, "/inbox")]) {
      const fields = /<dl class="front-matter">([\s\S]*?)<\/dl>/.exec(html)?.[1] ?? "";
      const keys = [...fields.matchAll(/<dt>([^<]*)<\/dt><dd>/g)].map((match) => match[1]);
      expect(keys).toEqual(expect.arrayContaining(["title", "slug", "meta description", "canonical"]));
      expect(fields).toContain("<dt>slug</dt><dd>elsaai-deal-closed</dd>");
      expect(html).not.toMatch(/<p>title: /);
      // The publish marks say what they mean, rather than showing as raw comments.
      expect(html).toContain("publishable part: only this is sent");
      expect(html).not.toContain("&lt;!-- publish");
    }

    // A block that a `---` line closes at the start, and one between two `---` lines further on; values are text.
    await writeFile(
      join(workspace, "artifacts", "post.md"),
      [
        "---\ndrafted_by: tester\n---",
        "title: A post\nslug: a-post\n\n---\n",
        "An introduction.\n\n---\nauthor: <script>alert(1)</script> & more\ntags:\n  - one\n  - two\n---\n",
        "The text.\n\n---\n\nA sentence is no field.\n\n---\n",
      ].join("\n"),
    );
    const note = await page(server, "/files/artifacts/post.md");
    expect(note).toContain(
      '<dl class="front-matter">\n<dt>title</dt><dd>A post</dd>\n<dt>slug</dt><dd>a-post</dd>\n</dl>\n<p>An introduction.</p>',
    );
    expect(note).toContain(
      '<dl class="front-matter">\n<dt>author</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</dd>\n<dt>tags</dt><dd>- one\n- two</dd>\n</dl>\n<p>The text.</p>',
    );
    expect(note).not.toContain("<script>alert");
    // Lines that are not fields stay markdown: rules around a paragraph, and a single opening line of prose.
    expect(note).toContain("<hr>\n<p>A sentence is no field.</p>\n<hr>");
    await writeFile(join(workspace, "artifacts", "plain.md"), "Note: one line is a sentence.\n\nMore text.\n");
    expect(await page(server, "/files/artifacts/plain.md")).toContain(
      "<p>Note: one line is a sentence.</p>\n<p>More text.</p>",
    );
  });
});

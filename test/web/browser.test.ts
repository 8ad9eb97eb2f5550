import { execFileSync } from "node:child_process";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runtime } from "../../src/runtime/engine.js";
import type { ThreadMeta } from "../../src/core/threadMeta.js";
import { startWebServer, type WebServer } from "../../src/web/server.js";
import { eventFile, passAt, repoRoot, sampleCopy } from "../helpers.js";
import { copyWaitingThread } from "./clones.js";
import { closedDeal, serving } from "./serving.js";

// The web inbox in a real browser (Debian's Chromium, driven by playwright-core): a founder approves
// the closed deal's decision, mistypes an action's due date and corrects it, sees the canvas gate
// arrive without reloading when a pass runs, accepts it, and finds the new point on the confidence
// chart. Screenshots go to test-artifacts/web/.

/** Debian's Chromium: CHROMIUM_PATH, else `chromium` on the PATH. CI installs it (.ci/run). */
function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const executablePath = chromiumPath();
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];
const artifacts = join(repoRoot, "test-artifacts", "web");
const THREAD = "sales/elsaai-deal-closed";

async function meta(workspace: string): Promise<ThreadMeta> {
  return JSON.parse(
    await readFile(join(workspace, "threads", ...THREAD.split("/"), "meta.json"), "utf8"),
  ) as ThreadMeta;
}

const item = (page: Page, kind: string) => page.locator(`article[data-kind="${kind}"]`);

// Without Chromium the test cannot run here; in CI it must (CI installs it), so there it fails instead.
describe.skipIf(!executablePath && !process.env.CI)("the web inbox in a browser", () => {
  let browser: Browser;
  let server: WebServer;
  let workspace: string;

  beforeAll(async () => {
    if (!executablePath) throw new Error("Chromium is not installed: apt-get install chromium (or set CHROMIUM_PATH)");
    workspace = await sampleCopy();
    const runtime = await Runtime.open({ workspace, provider: "offline" });
    try {
      await runtime.startEvent({
        text: await readFile(eventFile("01-elsaai-deal-closed.md"), "utf8"),
        date: "2026-11-18",
        source: "CRM",
      });
    } finally {
      await runtime.close();
    }
    server = await startWebServer({
      runtime: { workspace, provider: "offline" },
      host: "127.0.0.1",
      port: 0,
      by: "bella",
    });
    browser = await chromium.launch({ executablePath, args: FLAGS });
    await mkdir(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("approves by clicking, refuses a wrong value at its field, updates live, and charts the new confidence", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.url);

    // The decision, with its impact factors and the draft rendered.
    const decision = item(page, "impact");
    await expect.poll(() => decision.locator("h2.question").textContent()).toContain("PROCEED");
    expect(await decision.locator("table.factors tbody tr").count()).toBeGreaterThan(0);
    expect(await decision.locator(".markdown h2").first().textContent()).toContain("Verdict");
    await page.screenshot({ path: join(artifacts, "inbox-decision.png"), fullPage: true });
    await decision.locator("button.accept").click();
    await page.waitForURL(/answered=/);
    expect((await meta(workspace)).pending[0]).toMatchObject({ kind: "actions", action_id: "act-3" });

    // An action's due date mistyped: the error stands at the field and nothing moves.
    const before = await meta(workspace);
    const action = item(page, "actions");
    await action.locator("details.edit summary").click();
    await action.locator('input[name="field:due"]').fill("2026-13-45");
    await action.locator('button[value="edit"]').click();
    await expect.poll(() => page.locator(".field-error").textContent()).toContain("not a calendar date");
    expect(await page.locator('input[name="field:due"]').getAttribute("aria-invalid")).toBe("true");
    await page.screenshot({ path: join(artifacts, "inbox-field-error.png"), fullPage: true });
    expect(await meta(workspace)).toEqual(before);

    // Corrected: accepted with the new date, and the thread moves on to the next action.
    await page.locator('input[name="field:due"]').fill("2026-12-20");
    await page.locator('button[value="edit"]').click();
    await page.waitForURL(/answered=/);
    expect((await meta(workspace)).pending[0]).toMatchObject({ action_id: "act-4" });
    const execution = await readFile(
      join(workspace, "threads", ...THREAD.split("/"), "5-actions", "execution-log.md"),
      "utf8",
    );
    expect(execution).toMatch(/id: act-3[\s\S]*?due: "2026-12-20"/);
    await item(page, "actions").locator("button.accept").click();
    await page.waitForURL(/answered=/);
    expect((await meta(workspace)).state).toBe("scheduled");
    await expect.poll(() => page.locator("p.empty").textContent()).toContain("Nothing waits");

    // Passes run elsewhere; the open page shows the canvas gate without a reload.
    await passAt(workspace, "2026-12-14");
    await passAt(workspace, "2027-01-06");
    const canvas = item(page, "canvas");
    await canvas.waitFor({ timeout: 15_000 });
    expect(await canvas.locator(".diff .add").count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, "inbox-canvas-diff.png"), fullPage: true });
    await canvas.locator("button.accept").click();
    await page.waitForURL(/answered=/);
    const after = await meta(workspace);
    expect(after.pending).toEqual([]);

    // The canvas page: A4's chart ends at the new confidence, from this thread.
    await page.goto(new URL("/canvas", server.url).href);
    const chart = () =>
      page.evaluate(() => {
        const element = document.querySelector('canvas[data-assumption="A4"]');
        const drawn = (
          window as unknown as {
            Chart: {
              getChart(
                canvas: Element | null,
              ): { data: { labels: string[]; datasets: Array<{ data: number[] }> } } | undefined;
            };
          }
        ).Chart.getChart(element);
        return drawn ? { labels: drawn.data.labels, values: drawn.data.datasets[0]!.data } : undefined;
      });
    await expect.poll(chart).toBeDefined();
    const drawn = (await chart())!;
    expect(drawn.values.at(-2)).toBe(60);
    expect(drawn.values.at(-1)).toBe(75);
    expect(drawn.labels.at(-1)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await page.locator("#A4 .steps li").last().textContent()).toContain(THREAD);
    await page.screenshot({ path: join(artifacts, "canvas.png"), fullPage: true });
  });

  it("lays today's page out as the page itself, as long as it is, while an inbox draft scrolls in a box of its own", async () => {
    const { workspace, thread } = await closedDeal();
    // Forty-one questions wait: today's page is longer than the window.
    await copyWaitingThread(workspace, thread, 40, (n) => (50 + n) / 100);
    const served = await serving(workspace);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const box = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((element) => ({
          maxHeight: getComputedStyle(element).maxHeight,
          scrolls: element.scrollHeight > element.clientHeight + 1,
          height: element.getBoundingClientRect().height,
        }));

    await page.goto(new URL("/today", served.url).href);
    expect(await page.locator("article.markdown h2").first().textContent()).toBe("Needs your attention (41)");
    // One numbered list, each question with its answers under it, the tenth and after too.
    expect(await page.locator("article.markdown > ol").count()).toBe(1);
    expect(await page.locator("article.markdown > ol > li").count()).toBe(41);
    expect(await page.locator("article.markdown > ol > li:nth-child(12) > ul > li").first().textContent()).toMatch(
      /^answer: leanos approve /,
    );
    const today = await box("article.markdown");
    expect(today).toMatchObject({ maxHeight: "none", scrolls: false });
    expect(today.height).toBeGreaterThan(900);
    // The window scrolls, down to the page's end.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(today.height);
    await page.screenshot({ path: join(artifacts, "today.png"), fullPage: true });

    await page.goto(new URL("/inbox", served.url).href);
    expect((await box("section.draft .markdown")).maxHeight).toBe("448px");
    await page.close();
  });

  it("fetches a page again only when what it shows moved; otherwise brings only the header's count up to date", async () => {
    const { workspace, thread } = await closedDeal();
    const [other] = await copyWaitingThread(workspace, thread, 1, () => 0.9);
    const served = await serving(workspace);
    const page = await browser.newPage();
    await page.goto(new URL(`/threads/${thread}`, served.url).href);
    await page.evaluate(() => {
      const counted = window as unknown as { refreshes: number };
      counted.refreshes = 0;
      document.addEventListener("leanos:refreshed", () => (counted.refreshes += 1));
    });
    await expect.poll(() => page.locator("#live.on").count(), { timeout: 10_000 }).toBe(1);
    const refreshes = () => page.evaluate(() => (window as unknown as { refreshes: number }).refreshes);
    const audit = join(workspace, ".leanos", "audit.jsonl");
    const line = (name: string, entry: object): string =>
      `${JSON.stringify({ at: new Date().toISOString(), thread: name, ...entry })}\n`;
    const count = () => page.locator('header nav a[href="/inbox"] .count').textContent();
    expect(await count()).toBe("2");

    // Another thread moves, and a third starts waiting: this page shows neither, so it stays as it
    // is, and only the count changes.
    const [third] = await copyWaitingThread(workspace, thread, 1, () => 0.95);
    await appendFile(
      audit,
      line(other!.thread, { kind: "file-written", path: `threads/${other!.thread}/notes.md` }) +
        line(third!.thread, { kind: "gate-asked", gate: "impact", node: "gate_decision", question: "q", impact: 0.95 }),
    );
    await expect.poll(count, { timeout: 10_000 }).toBe("3");
    expect(await refreshes()).toBe(0);

    // This page's thread moves: it is fetched again.
    await appendFile(audit, line(thread, { kind: "file-written", path: `threads/${thread}/notes.md` }));
    await expect.poll(refreshes, { timeout: 10_000 }).toBe(1);
    await page.close();
  });
});

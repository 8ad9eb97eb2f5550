import { appendFile, mkdir, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Runtime } from "../../src/runtime/engine.js";
import type { Change } from "../../src/web/live.js";
import type { WebServer } from "../../src/web/server.js";
import { copyWaitingThread } from "./clones.js";
import { closedDeal, meta, serving } from "./serving.js";

// Long lists a page at a time, and live updates that say what changed: an inbox with many waiting
// threads costs what its page shows, and an open page fetches itself again only when that changed.

/** The closed deal waiting at its decision, and 59 copies of it waiting beside it, impacts spread. */
async function sixtyWaiting(): Promise<{ workspace: string; order: string[] }> {
  const { workspace, thread } = await closedDeal();
  const copies = await copyWaitingThread(workspace, thread, 59, (n) => [0.95, 0.85, 0.9][n % 3]!);
  const all = [{ thread, impact: 0.85 }, ...copies];
  // Highest impact first, then by name.
  const order = all
    .sort((a, b) => b.impact - a.impact || a.thread.localeCompare(b.thread))
    .map((entry) => entry.thread);
  return { workspace, order };
}

const itemsOf = (html: string): string[] =>
  [...html.matchAll(/<article class="item" id="item-(\d+)" data-thread="([^"]+)"/g)].map((match) => match[2]!);
const text = async (server: WebServer, path: string): Promise<string> => {
  const response = await fetch(new URL(path, server.url));
  expect(response.status, path).toBe(200);
  return response.text();
};

describe("leanos serve: the inbox and the threads a page at a time", () => {
  it("shows the inbox 25 at a time, highest impact first, with the total and links to the pages either side", async () => {
    const { workspace, order } = await sixtyWaiting();
    const server = await serving(workspace);
    const first = await text(server, "/inbox");
    expect(itemsOf(first)).toEqual(order.slice(0, 25));
    expect(first).toContain("60 waiting, highest impact first · 1–25 shown, page 1 of 3");
    expect(first).toMatch(/<a href="\/inbox\?page=2" rel="next">/);
    expect(first).not.toContain('rel="prev"');
    expect(first).toContain('<span class="count">60</span>');

    const second = await text(server, "/inbox?page=2");
    expect(itemsOf(second)).toEqual(order.slice(25, 50));
    // Items are numbered in the whole list, so ids never repeat from one page to the next.
    expect(second).toContain('id="item-26"');
    expect(second).toMatch(/<a href="\/inbox" rel="prev">[\s\S]*<a href="\/inbox\?page=3" rel="next">/);
    // Each form says which page it was on, so an answer brings you back there.
    expect(second).toContain('name="page" value="2"');

    const last = await text(server, "/inbox?page=3");
    expect(itemsOf(last)).toEqual(order.slice(50));
    expect(last).toContain("51–60 shown, page 3 of 3");
    expect(last).not.toContain('rel="next"');
    // A page past the end is the last one; anything else, the first.
    expect(itemsOf(await text(server, "/inbox?page=99"))).toEqual(order.slice(50));
    for (const page of ["0", "-1", "two", "1e3", ""])
      expect(itemsOf(await text(server, `/inbox?page=${page}`)), page).toEqual(order.slice(0, 25));
  });

  it("builds only the page it shows: a thread on page 2 whose meta.json is broken does not stop page 1", async () => {
    const { workspace, order } = await sixtyWaiting();
    const broken = order[30]!;
    await writeFile(join(workspace, "threads", ...broken.split("/"), "meta.json"), "{ not json");
    const server = await serving(workspace);
    expect(itemsOf(await text(server, "/inbox"))).toEqual(order.slice(0, 25));
    expect(itemsOf(await text(server, "/inbox?page=3"))).toEqual(order.slice(50));
    const second = await fetch(new URL("/inbox?page=2", server.url));
    expect(second.status).toBe(400);
    expect(await second.text()).toContain(`threads/${broken}/meta.json`);
  });

  it("shows the threads 25 at a time, most recently moved first, with the total", async () => {
    const { workspace, order } = await sixtyWaiting();
    const server = await serving(workspace);
    // Each moved at the same time (copies of one thread): then by name.
    const byName = [...order].sort();
    const rowsOf = (html: string): string[] =>
      [...html.matchAll(/<tr class="state-\w+[^"]*">\s*<td><a href="\/threads\/([^"]+)">/g)].map((match) => match[1]!);
    const first = await text(server, "/threads");
    expect(rowsOf(first)).toEqual(byName.slice(0, 25));
    expect(first).toContain("60 threads, most recently moved first · 1–25 shown, page 1 of 3");
    expect(first).toMatch(/<a href="\/threads\?page=2" rel="next">/);
    expect(rowsOf(await text(server, "/threads?page=3"))).toEqual(byName.slice(50));
  });

  it("answers from page 2 and comes back to page 2", async () => {
    const { workspace, order } = await sixtyWaiting();
    const server = await serving(workspace);
    const second = await text(server, "/inbox?page=2");
    // The original thread (the one whose checkpoint is its own) is the one answered.
    const original = "sales/elsaai-deal-closed";
    const at = order.indexOf(original);
    expect(at).toBeGreaterThanOrEqual(25);
    expect(at).toBeLessThan(50);
    const form = new RegExp(
      `name="thread" value="${original}">\\s*<input type="hidden" name="interrupt" value="([^"]+)">`,
    ).exec(second)!;
    const response = await fetch(new URL("/inbox/answer", server.url), {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({
        csrf: /name="csrf" value="([^"]+)"/.exec(second)![1]!,
        thread: original,
        interrupt: form[1]!,
        page: "2",
        answer: "accept",
      }),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/inbox?page=2&answered=${encodeURIComponent(original)}`);
  });
});

/** The change events of /live, read as they come. */
async function liveChanges(server: WebServer) {
  const controller = new AbortController();
  const response = await fetch(new URL("/live", server.url), { signal: controller.signal });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const reader = response.body!.getReader();
  let buffered = "";
  const events: Array<{ event: string; data: string }> = [];
  const next = async (event: string): Promise<string> => {
    for (;;) {
      const found = events.findIndex((candidate) => candidate.event === event);
      if (found >= 0) return events.splice(found, 1)[0]!.data;
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before a "${event}" event`);
      buffered += new TextDecoder().decode(value);
      const blocks = buffered.split("\n\n");
      buffered = blocks.pop()!;
      for (const block of blocks) {
        const name = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        events.push({ event: name, data: /^data: ?(.*)$/m.exec(block)?.[1] ?? "" });
      }
    }
  };
  await next("ready");
  return {
    change: async (): Promise<Change> => JSON.parse(await next("change")) as Change,
    close: () => controller.abort(),
  };
}

describe("leanos serve: live updates say what changed", () => {
  it("names the thread that moved elsewhere, says the inbox changed, and how many wait now", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    const live = await liveChanges(server);
    // Another process answers (as the CLI would): the decision rejected, the thread learns from it
    // and asks whether to apply what it learned to the canvas.
    const runtime = await Runtime.open({ workspace, provider: "offline" });
    try {
      await runtime.answer(thread, { type: "ignore", args: "not now", by: "cli" });
    } finally {
      await runtime.close();
    }
    expect((await meta(workspace, thread)).pending[0]).toMatchObject({ kind: "canvas" });
    // The run's lines may come in one change or several; the last says one thread waits again.
    const changes: Change[] = [];
    do changes.push(await live.change());
    while (changes.at(-1)!.waiting !== 1);
    live.close();
    expect(new Set(changes.flatMap((change) => change.threads))).toEqual(new Set([thread]));
    expect(changes.flatMap((change) => change.pages)).toEqual(expect.arrayContaining(["inbox", "threads"]));
  });

  it("tells the inbox apart from what does not concern it, and says everything changed when the log is cut", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    const live = await liveChanges(server);
    const audit = join(workspace, ".leanos", "audit.jsonl");
    const line = (entry: object): string => `${JSON.stringify({ at: "2026-11-26T10:00:00.000Z", thread, ...entry })}\n`;

    // A file written: the thread moved, and with it the threads list (ordered by the last move) and
    // today's page (built from every thread); no question changed.
    await appendFile(audit, line({ kind: "file-written", path: `threads/${thread}/notes.md` }));
    expect(await live.change()).toEqual({ threads: [thread], pages: ["threads", "today"] });

    // A canvas change: the canvas page too. A line still being written is read once it is whole.
    const canvas = line({
      kind: "canvas-change",
      file: "strategy/canvas/10-assumptions.md",
      assumption: "A4",
      field: "confidence",
      from: "60%",
      to: "95%",
      by: "x",
    });
    await appendFile(audit, canvas.slice(0, 40));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await appendFile(audit, canvas.slice(40));
    expect(await live.change()).toEqual({ threads: [thread], pages: ["threads", "canvas", "today"] });

    // ops/today.md, rewritten by a pass (today's page says when it was written).
    await mkdir(join(workspace, "ops"), { recursive: true });
    await writeFile(join(workspace, "ops", "today.md"), "# Today\n");
    expect(await live.change()).toEqual({ threads: [], pages: ["today"] });

    // A log cut short says nothing of what changed: every page is concerned.
    await truncate(audit, 10);
    const everything = await live.change();
    expect(everything.pages).toEqual(expect.arrayContaining(["inbox", "threads", "thread", "canvas", "today", "file"]));
    expect(everything.waiting).toBe(1);
    live.close();
  });

  it("marks each page with the threads it shows, which live.js compares with what moved", async () => {
    const { workspace, order } = await sixtyWaiting();
    const server = await serving(workspace);
    const shownOf = (html: string): string[] =>
      (/<main id="main" data-shown="([^"]*)">/.exec(html)?.[1] ?? "").split(" ").filter(Boolean);
    expect(shownOf(await text(server, "/inbox?page=2"))).toEqual(order.slice(25, 50));
    expect(shownOf(await text(server, `/threads/${order[0]}`))).toEqual([order[0]]);
    expect(shownOf(await text(server, `/files/threads/${order[0]}/4-decision.md`))).toEqual([order[0]]);
    expect(shownOf(await text(server, "/canvas"))).toEqual([]);
  });
});

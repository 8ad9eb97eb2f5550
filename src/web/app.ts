import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { Hono, type Context } from "hono";
import { AlreadyAnswered, UsageError } from "../errors.js";
import { describeFailure } from "../failure.js";
import { readText } from "../files/readText.js";
import { toolPath } from "../files/toolRoot.js";
import type { Runtime } from "../runtime/engine.js";
import { canvasView } from "./canvas.js";
import { fileView, servedPath } from "./files.js";
import { carriesSecret, guarded, type Guard } from "./guard.js";
import { fieldOf, givenAnswer, inboxView, type PostedAnswer, type Refusal } from "./inbox.js";
import { liveUpdates } from "./live.js";
import { markdownHtml, renderPage, type PageName } from "./render.js";
import { threadView, threadsView } from "./threads.js";

// `leanos serve`: the web inbox. Each request works on a runtime opened for it (the canvas and the
// threads as they are now, so a CLI approval or a pass in another process shows at once) and closed
// after it; every answer goes through runtime.answer, the same path as the CLI's and the chat's.

export interface WebOptions {
  /** The workspace folder. */
  root: string;
  /** The audit log, whose every new line may mean a page changed. */
  auditPath: string;
  /** A runtime on the workspace, opened for one request. */
  open: () => Promise<Runtime>;
  /** Who answers from the page, as the audit log records it. */
  by: string;
  guard: Guard;
}

/** The files of the pages themselves; nothing else is served from the tool's folders. */
function assets(): Map<string, { path: string; type: string }> {
  const chart = join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.js");
  return new Map([
    ["app.css", { path: toolPath("web", "assets", "app.css"), type: "text/css; charset=utf-8" }],
    ["live.js", { path: toolPath("web", "assets", "live.js"), type: "text/javascript; charset=utf-8" }],
    ["canvas-chart.js", { path: toolPath("web", "assets", "canvas-chart.js"), type: "text/javascript; charset=utf-8" }],
    ["chart.umd.js", { path: chart, type: "text/javascript; charset=utf-8" }],
  ]);
}

const decoded = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

export function webApp(options: WebOptions): Hono {
  const app = new Hono();
  const { guard, root } = options;
  const served = assets();
  const company = basename(root);

  /** Runs `work` on a runtime opened for this request. */
  async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
    const runtime = await options.open();
    try {
      return await work(runtime);
    } finally {
      await runtime.close();
    }
  }

  async function page(c: Context, name: PageName, title: string, view: (runtime: Runtime) => Promise<object>, status: 200 | 422 = 200): Promise<Response> {
    return withRuntime(async (runtime) => {
      const content = await view(runtime);
      const waiting = (await runtime.pending()).length;
      return c.html(renderPage(name, title, content, { company, root, waiting, chart: name === "canvas" }), status);
    });
  }

  const problem = (c: Context, status: 400 | 403 | 404 | 500, title: string, message: string): Response =>
    c.html(renderPage("error", title, { title, message }, { company, root, waiting: 0 }), status);

  app.use("*", guarded(guard));
  app.onError((error, c) => {
    const failure = describeFailure(error);
    // The page says what went wrong; whoever runs the server also sees a failure that is not bad input.
    if (failure.exitCode !== 2) process.stderr.write(`leanos serve: ${c.req.method} ${c.req.path}: ${failure.message}\n`);
    return problem(c, failure.exitCode === 2 ? 400 : 500, "Something went wrong", failure.message);
  });
  app.notFound((c) => problem(c, 404, "Not found", "There is no such page here."));

  app.get("/", (c) => c.redirect("/inbox", 303));

  app.get("/inbox", (c) => {
    const answered = c.req.query("answered");
    const elsewhere = c.req.query("elsewhere");
    const notice = answered ? `Answered: ${answered}.` : elsewhere ? `That question on ${elsewhere} was answered elsewhere in the meantime; nothing was changed.` : undefined;
    return page(c, "inbox", "Inbox", async (runtime) => ({ items: await inboxView(runtime, guard.csrf), notice }));
  });

  app.post("/inbox/answer", async (c) => {
    const form = await c.req.parseBody();
    if (!carriesSecret(guard, form.csrf)) return problem(c, 403, "Refused", "This form is not from this inbox (its secret is missing or old): reload the page and answer again.");
    const text = (key: string): string | undefined => (typeof form[key] === "string" ? (form[key] as string) : undefined);
    const posted: PostedAnswer = {
      thread: text("thread") ?? "",
      interrupt: text("interrupt") || undefined,
      answer: text("answer") ?? "",
      fields: Object.fromEntries(Object.entries(form).flatMap(([key, value]) => (key.startsWith("field:") && typeof value === "string" ? [[key.slice("field:".length), value]] : []))),
      ...(text("outcome") ? { outcome: text("outcome") } : {}),
      ...(text("reason") !== undefined ? { reason: text("reason") } : {}),
      ...(text("feedback") !== undefined ? { feedback: text("feedback") } : {}),
    };
    try {
      await withRuntime(async (runtime) => runtime.answer(posted.thread, await givenAnswer(runtime, posted, options.by), posted.interrupt));
    } catch (error) {
      if (error instanceof AlreadyAnswered) return c.redirect(`/inbox?elsewhere=${encodeURIComponent(posted.thread)}`, 303);
      if (!(error instanceof UsageError)) throw error;
      return page(c, "inbox", "Inbox", async (runtime) => {
        const item = (await runtime.pending()).find((candidate) => candidate.thread === posted.thread && (candidate.id ?? "") === (posted.interrupt ?? ""));
        const field = posted.answer === "edit" ? fieldOf(error.message, item?.fields ?? []) : undefined;
        // The gates word an edit's problem for the CLI's --edit; here it stands next to the field.
        const message = error.message.replace(/^--edit: /, "");
        const refusal: Refusal = { thread: posted.thread, interrupt: posted.interrupt, message, fields: posted.fields, ...(field ? { field } : {}) };
        return { items: await inboxView(runtime, guard.csrf, refusal) };
      }, 422);
    }
    return c.redirect(`/inbox?answered=${encodeURIComponent(posted.thread)}`, 303);
  });

  app.get("/threads", (c) => page(c, "threads", "Threads", async (runtime) => ({ rows: await threadsView(runtime) })));

  app.get("/threads/*", async (c) => {
    const name = decoded(c.req.path.slice("/threads/".length));
    if (!name) return c.notFound();
    try {
      return await page(c, "thread", name, (runtime) => threadView(runtime, name));
    } catch (error) {
      if (error instanceof UsageError) return problem(c, 404, "No such thread", error.message);
      throw error;
    }
  });

  app.get("/canvas", (c) => page(c, "canvas", "Canvas", async (runtime) => canvasView(runtime.canvas.assumptions, await runtime.audit.read())));

  app.get("/today", (c) =>
    page(c, "today", "Today", async () => {
      const path = join("ops", "today.md");
      const text = await readText(root, path).catch(() => undefined);
      const rebuild = { rebuild: true, csrf: guard.csrf };
      return text === undefined
        ? { title: "Today", missing: "ops/today.md is not written yet: a pass writes it, or Rebuild now.", ...rebuild }
        : { title: "Today", path, html: markdownHtml(text), ...rebuild };
    }),
  );

  app.post("/today", async (c) => {
    if (!carriesSecret(guard, (await c.req.parseBody()).csrf)) return problem(c, 403, "Refused", "This form is not from this inbox: reload the page and try again.");
    const { writeToday } = await import("../ops/todayFile.js");
    await withRuntime(writeToday);
    return c.redirect("/today", 303);
  });

  app.get("/files/*", async (c) => {
    const requested = decoded(c.req.path.slice("/files/".length));
    const path = requested === undefined ? undefined : servedPath(requested);
    if (!path) return c.notFound();
    let view: Awaited<ReturnType<typeof fileView>>;
    try {
      view = await fileView(root, path);
    } catch {
      // Missing, outside the workspace through a symlink, a folder, not text: nothing to show.
      return c.notFound();
    }
    return withRuntime(async (runtime) => c.html(renderPage("file", view.title, view, { company, root, waiting: (await runtime.pending()).length })));
  });

  app.get("/live", (c) => liveUpdates(c, [options.auditPath, join(root, "ops", "today.md")]));

  app.get("/assets/:name", async (c) => {
    const asset = served.get(c.req.param("name"));
    if (!asset) return c.notFound();
    return c.body(await readFile(asset.path), 200, { "content-type": asset.type, "cache-control": "no-cache" });
  });

  return app;
}

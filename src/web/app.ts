import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { Hono, type Context } from "hono";
import { AlreadyAnswered, UsageError } from "../errors.js";
import { describeFailure } from "../failure.js";
import { toolPath } from "../files/toolRoot.js";
import type { Runtime } from "../runtime/engine.js";
import { canvasView } from "./canvas.js";
import { fileView, servedPath } from "./files.js";
import { bodyLimited, carriesSecret, guarded, secured, type Guard } from "./guard.js";
import { fieldOf, givenAnswer, inboxView, type InboxRequest, type PostedAnswer, type Refusal } from "./inbox.js";
import { LiveChanges, liveUpdates } from "./live.js";
import { pageLink } from "./paging.js";
import { localPath } from "./redirect.js";
import { renderPage, type PageName } from "./render.js";
import { threadView, threadsView } from "./threads.js";
import { correctionOfForm } from "./correction.js";
import { todayView } from "./today.js";
import { waitingCount } from "./waiting.js";

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

/** What a page's view gives besides its content: the threads it shows (live updates watch them) and, when it knows it, how many wait. */
type PageContent = object & { shown?: string[]; waiting?: number };

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

/** The thread a workspace file belongs to, if it is in a thread's folder (its page follows that thread). */
const threadOfFile = (path: string): string[] => {
  const match = /^threads\/([a-z][a-z0-9_]*\/[a-z0-9-]+)\//.exec(path.split("\\").join("/"));
  return match ? [match[1]!] : [];
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

  const changes = new LiveChanges({
    audit: options.auditPath,
    today: join(root, "ops", "today.md"),
    waiting: () => withRuntime(waitingCount),
  });

  async function page(
    c: Context,
    name: PageName,
    title: string,
    view: (runtime: Runtime) => Promise<PageContent>,
    status: 200 | 409 | 422 = 200,
  ): Promise<Response> {
    return withRuntime(async (runtime) => {
      const content = await view(runtime);
      // The count in the header comes from the thread index, never from reading every waiting thread.
      const waiting = content.waiting ?? (await waitingCount(runtime));
      return c.html(
        renderPage(name, title, content, {
          company,
          root,
          waiting,
          shown: content.shown ?? [],
          chart: name === "canvas",
        }),
        status,
      );
    });
  }

  const problem = (c: Context, status: 400 | 403 | 404 | 409 | 422 | 500, title: string, message: string): Response =>
    c.html(renderPage("error", title, { title, message }, { company, root, waiting: 0, shown: [] }), status);

  /** The inbox, page `request.page`; `alert` says why an answer was refused when no item can show it. */
  const inbox = (
    c: Context,
    request: InboxRequest & { notice?: string; alert?: string },
    status: 200 | 409 | 422 = 200,
  ): Promise<Response> =>
    page(
      c,
      "inbox",
      "Inbox",
      async (runtime) => ({
        ...(await inboxView(runtime, guard.csrf, request)),
        ...(request.notice ? { notice: request.notice } : {}),
        ...(request.alert ? { alert: request.alert } : {}),
      }),
      status,
    );

  app.use("*", secured(), guarded(guard), bodyLimited());
  app.onError((error, c) => {
    const failure = describeFailure(error);
    // The page says what went wrong; whoever runs the server also sees a failure that is not bad input.
    if (failure.exitCode !== 2)
      process.stderr.write(`leanos serve: ${c.req.method} ${c.req.path}: ${failure.message}\n`);
    return problem(c, failure.exitCode === 2 ? 400 : 500, "Something went wrong", failure.message);
  });
  app.notFound((c) => problem(c, 404, "Not found", "There is no such page here."));

  app.get("/", (c) => c.redirect("/inbox", 303));

  app.get("/inbox", (c) => {
    const answered = c.req.query("answered");
    return inbox(c, { page: c.req.query("page"), ...(answered ? { notice: `Answered: ${answered}.` } : {}) });
  });

  app.post("/inbox/answer", async (c) => {
    const form = await c.req.parseBody();
    if (!carriesSecret(guard, form.csrf))
      return problem(
        c,
        403,
        "Refused",
        "This form is not from this inbox (its secret is missing or old): reload the page and answer again.",
      );
    const text = (key: string): string | undefined =>
      typeof form[key] === "string" ? (form[key] as string) : undefined;
    const posted: PostedAnswer = {
      thread: text("thread") ?? "",
      interrupt: text("interrupt") || undefined,
      answer: text("answer") ?? "",
      fields: Object.fromEntries(
        Object.entries(form).flatMap(([key, value]) =>
          key.startsWith("field:") && typeof value === "string" ? [[key.slice("field:".length), value]] : [],
        ),
      ),
      ...(text("outcome") ? { outcome: text("outcome") } : {}),
      ...(text("reason") !== undefined ? { reason: text("reason") } : {}),
      ...(text("feedback") !== undefined ? { feedback: text("feedback") } : {}),
    };
    const at = text("page");
    // An answer names the very question it answers; without that, a form sent twice would answer whatever waits next.
    if (!posted.interrupt) {
      return inbox(
        c,
        {
          page: at,
          alert:
            "This answer does not say which question it answers (the form is from an older page): nothing was changed. Answer again below.",
        },
        422,
      );
    }
    const gone = `That question on ${posted.thread} no longer waits: it was answered (here, in another tab or elsewhere), or this form was sent twice. Nothing was changed; what waits now is below.`;
    try {
      await withRuntime(async (runtime) => {
        // Checked before the answer is read (an edit compares against the values asked), and again by
        // runtime.answer against the checkpoint, under the thread's lease.
        if (!(await runtime.pending(posted.thread)).some((item) => item.id === posted.interrupt))
          throw new AlreadyAnswered(gone);
        await runtime.answer(posted.thread, await givenAnswer(runtime, posted, options.by), posted.interrupt);
      });
    } catch (error) {
      if (error instanceof AlreadyAnswered) return inbox(c, { page: at, alert: gone }, 409);
      if (!(error instanceof UsageError)) throw error;
      return page(
        c,
        "inbox",
        "Inbox",
        async (runtime) => {
          const item = (await runtime.pending(posted.thread).catch(() => [])).find(
            (candidate) => (candidate.id ?? "") === posted.interrupt,
          );
          const field = posted.answer === "edit" ? fieldOf(error.message, item?.fields ?? []) : undefined;
          // The gates word an edit's problem for the CLI's --edit; here it stands next to the field.
          const message = error.message.replace(/^--edit: /, "");
          const refusal: Refusal = {
            thread: posted.thread,
            interrupt: posted.interrupt,
            message,
            fields: posted.fields,
            ...(field ? { field } : {}),
          };
          return inboxView(runtime, guard.csrf, { page: at, refusal });
        },
        422,
      );
    }
    const back = pageLink("/inbox", Number(at) || 1);
    return c.redirect(
      localPath(`${back}${back.includes("?") ? "&" : "?"}answered=${encodeURIComponent(posted.thread)}`),
      303,
    );
  });

  app.get("/threads", (c) => page(c, "threads", "Threads", (runtime) => threadsView(runtime, c.req.query("page"))));

  app.get("/threads/*", async (c) => {
    const name = decoded(c.req.path.slice("/threads/".length));
    if (!name) return c.notFound();
    try {
      return await page(c, "thread", name, (runtime) => threadView(runtime, name, guard.csrf));
    } catch (error) {
      if (error instanceof UsageError) return problem(c, 404, "No such thread", error.message);
      throw error;
    }
  });

  app.post("/threads/correct", async (c) => {
    const form = await c.req.parseBody();
    if (!carriesSecret(guard, form.csrf))
      return problem(
        c,
        403,
        "Refused",
        "This form is not from this inbox (its secret is missing or old): reload the page and correct again.",
      );
    const typed = Object.fromEntries(
      ["type", "assumptions", "verdict", "facts", "reason"].flatMap((key) =>
        typeof form[key] === "string" ? [[key, form[key] as string]] : [],
      ),
    );
    const thread = typeof form.thread === "string" ? form.thread : "";
    let moved = thread;
    try {
      const fields = correctionOfForm(typed);
      await withRuntime(async (runtime) => {
        moved = (
          await runtime.correct(thread, fields, {
            by: options.by,
            ...(typed.reason?.trim() ? { reason: typed.reason.trim() } : {}),
          })
        ).thread;
      });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return page(
        c,
        "thread",
        thread,
        (runtime) => threadView(runtime, thread, guard.csrf, { error: error.message.replace(/^--edit: /, ""), typed }),
        422,
      );
    }
    return c.redirect(localPath(`/threads/${moved}`), 303);
  });

  app.post("/memory/rules", async (c) => {
    const form = await c.req.parseBody();
    if (!carriesSecret(guard, form.csrf))
      return problem(
        c,
        403,
        "Refused",
        "This form is not from this inbox (its secret is missing or old): reload the page and answer again.",
      );
    const answer = form.answer === "accept" ? "accepted" : form.answer === "reject" ? "rejected" : undefined;
    if (!answer || typeof form.id !== "string")
      return problem(
        c,
        422,
        "Refused",
        "A proposed rule is accepted or rejected by its id: reload the inbox and answer again.",
      );
    try {
      const { judgeRule } = await import("../runtime/ruleProposal.js");
      await withRuntime((runtime) =>
        judgeRule(
          { store: runtime.store, audit: runtime.audit, at: runtime.now().toISOString() },
          form.id as string,
          answer,
          options.by,
        ),
      );
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return problem(c, 409, "Not waiting", error.message);
    }
    return c.redirect(localPath("/inbox"), 303);
  });

  app.get("/canvas", (c) =>
    page(c, "canvas", "Canvas", async (runtime) => canvasView(runtime.canvas.assumptions, await runtime.audit.read())),
  );

  app.get("/today", (c) => page(c, "today", "Today", (runtime) => todayView(runtime, guard.csrf)));

  app.post("/today", async (c) => {
    if (!carriesSecret(guard, (await c.req.parseBody()).csrf))
      return problem(c, 403, "Refused", "This form is not from this inbox: reload the page and try again.");
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
      // Missing, leading out of the served folders through a symlink, a folder, not text: nothing to show.
      return c.notFound();
    }
    return page(c, "file", view.title, async () => ({ ...view, shown: threadOfFile(path) }));
  });

  app.get("/live", (c) => liveUpdates(c, changes));

  app.get("/assets/:name", async (c) => {
    const asset = served.get(c.req.param("name"));
    if (!asset) return c.notFound();
    return c.body(await readFile(asset.path), 200, { "content-type": asset.type, "cache-control": "no-cache" });
  });

  return app;
}

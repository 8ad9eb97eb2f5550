import type { Hono } from "hono";
import { UsageError } from "../errors.js";
import { AnswerRefused } from "../core/refusal.js";
import { CORRECTED, correctionOfForm } from "./correction.js";

import { refusalWords } from "./inbox.js";
import { pathAfter, type Pages } from "./pages.js";
import { localPath } from "./redirect.js";
import { threadView, threadsView } from "./threads.js";

// The threads' routes: every thread a page at a time, one thread, and a correction of its reading.

export function threadRoutes(app: Hono, pages: Pages): void {
  const { guard } = pages;

  app.get("/threads", (c) =>
    pages.page(c, "threads", "Threads", (runtime) => threadsView(runtime, c.req.query("page"))),
  );

  app.get("/threads/*", async (c) => {
    const name = pathAfter(c, "/threads/");
    if (!name) return c.notFound();
    try {
      return await pages.page(c, "thread", name, (runtime) => threadView(runtime, name, guard.csrf));
    } catch (error) {
      if (error instanceof UsageError) return pages.problem(c, 404, "No such thread", error.message);
      throw error;
    }
  });

  app.post("/threads/correct", async (c) => {
    const form = await c.req.parseBody();
    const foreign = pages.foreignForm(c, form.csrf, "correct again");
    if (foreign) return foreign;
    const typed = Object.fromEntries(
      [...CORRECTED, "reason"].flatMap((key) => (typeof form[key] === "string" ? [[key, form[key] as string]] : [])),
    );
    const thread = typeof form.thread === "string" ? form.thread : "";
    let moved = thread;
    try {
      const fields = correctionOfForm(typed);
      await pages.withRuntime(async (runtime) => {
        moved = (
          await runtime.correct(thread, fields, {
            by: pages.options.by,
            ...(typed.reason?.trim() ? { reason: typed.reason.trim() } : {}),
          })
        ).thread;
      });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return pages.page(
        c,
        "thread",
        thread,
        (runtime) =>
          threadView(runtime, thread, guard.csrf, {
            error: error instanceof AnswerRefused ? refusalWords(error.refusal) : error.message,
            typed,
          }),
        422,
      );
    }
    return c.redirect(localPath(`/threads/${moved}`), 303);
  });
}

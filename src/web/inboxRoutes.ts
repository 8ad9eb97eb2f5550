import type { Context, Hono } from "hono";
import { AlreadyAnswered, UsageError } from "../errors.js";
import { givenAnswer, inboxView, refusalShown, type PostedAnswer } from "./inbox.js";
import type { Pages } from "./pages.js";
import { pageLink } from "./paging.js";
import { localPath } from "./redirect.js";

// The inbox's routes: what waits, an answer to one question, a proposed rule accepted or rejected.
// Every answer goes through runtime.answer, the same path as the CLI's and the chat's.

export function inboxRoutes(app: Hono, pages: Pages): void {
  app.get("/", (c) => c.redirect("/inbox", 303));

  app.get("/inbox", (c) => {
    const answered = c.req.query("answered");
    return pages.inbox(c, { page: c.req.query("page"), ...(answered ? { notice: `Answered: ${answered}.` } : {}) });
  });

  app.post("/inbox/answer", (c) => answerPosted(c, pages));

  app.post("/memory/rules", async (c) => {
    const form = await c.req.parseBody();
    const foreign = pages.foreignForm(c, form.csrf);
    if (foreign) return foreign;
    const answer = form.answer === "accept" ? "accepted" : form.answer === "reject" ? "rejected" : undefined;
    if (!answer || typeof form.id !== "string")
      return pages.problem(
        c,
        422,
        "Refused",
        "A proposed rule is accepted or rejected by its id: reload the inbox and answer again.",
      );
    try {
      const { judgeRule } = await import("../runtime/ruleProposal.js");
      await pages.withRuntime((runtime) =>
        judgeRule(
          { store: runtime.store, audit: runtime.audit, at: runtime.now().toISOString() },
          form.id as string,
          answer,
          pages.options.by,
        ),
      );
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return pages.problem(c, 409, "Not waiting", error.message);
    }
    return c.redirect(localPath("/inbox"), 303);
  });
}

/** What an answer's form posted: the item it answers and the values typed. */
function postedAnswerOf(form: Record<string, unknown>): { posted: PostedAnswer; page: string | undefined } {
  const text = (key: string): string | undefined => (typeof form[key] === "string" ? (form[key] as string) : undefined);
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
  return { posted, page: text("page") };
}

/** An answer from the inbox, given to the question it names; a refusal shows on the inbox, next to the item. */
async function answerPosted(c: Context, pages: Pages): Promise<Response> {
  const form = await c.req.parseBody();
  const foreign = pages.foreignForm(c, form.csrf);
  if (foreign) return foreign;
  const { posted, page: at } = postedAnswerOf(form);
  // An answer names the very question it answers; without that, a form sent twice would answer whatever waits next.
  if (!posted.interrupt) {
    return pages.inbox(
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
    await pages.withRuntime(async (runtime) => {
      // Checked before the answer is read (an edit compares against the values asked), and again by
      // runtime.answer against the checkpoint, under the thread's lease.
      if (!(await runtime.pending(posted.thread)).some((item) => item.id === posted.interrupt))
        throw new AlreadyAnswered(gone);
      await runtime.answer(posted.thread, await givenAnswer(runtime, posted, pages.options.by), posted.interrupt);
    });
  } catch (error) {
    if (error instanceof AlreadyAnswered) return pages.inbox(c, { page: at, alert: gone }, 409);
    if (!(error instanceof UsageError)) throw error;
    return pages.page(
      c,
      "inbox",
      "Inbox",
      async (runtime) => {
        const item = (await runtime.pending(posted.thread).catch(() => [])).find(
          (candidate) => (candidate.id ?? "") === posted.interrupt,
        );
        // A gate's refusal names the field at fault: the form shows it there.
        const refusal = refusalShown(error, posted, item?.fields ?? []);
        return inboxView(runtime, pages.guard.csrf, { page: at, refusal });
      },
      422,
    );
  }
  const back = pageLink("/inbox", Number(at) || 1);
  return c.redirect(
    localPath(`${back}${back.includes("?") ? "&" : "?"}answered=${encodeURIComponent(posted.thread)}`),
    303,
  );
}

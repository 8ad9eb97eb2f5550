import { basename } from "node:path";
import type { Context } from "hono";
import { using } from "../service/open.js";
import type { Runtime } from "../runtime/engine.js";
import { carriesSecret, type Guard } from "./guard.js";
import { inboxView, type InboxRequest } from "./inbox.js";
import { renderPage, type PageName } from "./render.js";
import { waitingCount } from "./waiting.js";

// A response as a page of the web inbox: a view rendered on a runtime opened for the request (the
// canvas and the threads as they are now, so a CLI approval or a pass in another process shows at
// once) and closed after it, or a page saying what went wrong.

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
export type PageContent = object & { shown?: string[]; waiting?: number };

export type ProblemStatus = 400 | 403 | 404 | 409 | 422 | 500;

/** The pages every route group answers with, on the options the app was made with. */
export class Pages {
  readonly company: string;

  constructor(readonly options: WebOptions) {
    this.company = basename(options.root);
  }

  get guard(): Guard {
    return this.options.guard;
  }

  /** Runs `work` on a runtime opened for this request. */
  withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
    return using(this.options.open(), work);
  }

  page(
    c: Context,
    name: PageName,
    title: string,
    view: (runtime: Runtime) => Promise<PageContent>,
    status: 200 | 409 | 422 = 200,
  ): Promise<Response> {
    const { company } = this;
    const { root } = this.options;
    return this.withRuntime(async (runtime) => {
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

  /** The refusal of a form without this inbox's secret (a cross-site post, or a page from before a restart); undefined when it has it. */
  foreignForm(c: Context, csrf: unknown, again = "answer again"): Response | undefined {
    if (carriesSecret(this.guard, csrf)) return undefined;
    return this.problem(
      c,
      403,
      "Refused",
      `This form is not from this inbox (its secret is missing or old): reload the page and ${again}.`,
    );
  }

  problem(c: Context, status: ProblemStatus, title: string, message: string): Response {
    return c.html(
      renderPage(
        "error",
        title,
        { title, message },
        { company: this.company, root: this.options.root, waiting: 0, shown: [] },
      ),
      status,
    );
  }

  /** The inbox, page `request.page`; `alert` says why an answer was refused when no item can show it. */
  inbox(
    c: Context,
    request: InboxRequest & { notice?: string; alert?: string },
    status: 200 | 409 | 422 = 200,
  ): Promise<Response> {
    return this.page(
      c,
      "inbox",
      "Inbox",
      async (runtime) => ({
        ...(await inboxView(runtime, this.guard.csrf, request)),
        ...(request.notice ? { notice: request.notice } : {}),
        ...(request.alert ? { alert: request.alert } : {}),
      }),
      status,
    );
  }
}

/** The rest of a request's path after `prefix`, decoded; undefined when it does not decode. */
export function pathAfter(c: Context, prefix: string): string | undefined {
  try {
    return decodeURIComponent(c.req.path.slice(prefix.length));
  } catch {
    return undefined;
  }
}

import type { Hono } from "hono";
import { canvasView } from "./canvas.js";
import { fileView, servedPath } from "./files.js";
import { carriesSecret } from "./guard.js";
import { pathAfter, type Pages } from "./pages.js";
import { todayView } from "./today.js";

// The workspace's own pages: the canvas, today's page (and rebuilding it), and a file.

/** The thread a workspace file belongs to, if it is in a thread's folder (its page follows that thread). */
const threadOfFile = (path: string): string[] => {
  const match = /^threads\/([a-z][a-z0-9_]*\/[a-z0-9-]+)\//.exec(path.split("\\").join("/"));
  return match ? [match[1]!] : [];
};

export function workspaceRoutes(app: Hono, pages: Pages): void {
  const { guard } = pages;

  app.get("/canvas", (c) =>
    pages.page(c, "canvas", "Canvas", async (runtime) =>
      canvasView(runtime.canvas.assumptions, await runtime.audit.read()),
    ),
  );

  app.get("/today", (c) => pages.page(c, "today", "Today", (runtime) => todayView(runtime, guard.csrf)));

  app.post("/today", async (c) => {
    if (!carriesSecret(guard, (await c.req.parseBody()).csrf))
      return pages.problem(c, 403, "Refused", "This form is not from this inbox: reload the page and try again.");
    const { writeToday } = await import("../ops/todayFile.js");
    await pages.withRuntime(writeToday);
    return c.redirect("/today", 303);
  });

  app.get("/files/*", async (c) => {
    const requested = pathAfter(c, "/files/");
    const path = requested === undefined ? undefined : servedPath(requested);
    if (!path) return c.notFound();
    let view: Awaited<ReturnType<typeof fileView>>;
    try {
      view = await fileView(pages.options.root, path);
    } catch {
      // Missing, leading out of the served folders through a symlink, a folder, not text: nothing to show.
      return c.notFound();
    }
    return pages.page(c, "file", view.title, async () => ({ ...view, shown: threadOfFile(path) }));
  });
}

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Hono } from "hono";
import { toolPath } from "../files/toolRoot.js";
import { LiveChanges, liveUpdates } from "./live.js";
import type { Pages } from "./pages.js";
import { waitingCount } from "./waiting.js";

// What the pages load besides themselves: their own scripts and styles, and the live updates.

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

export function assetRoutes(app: Hono, pages: Pages): void {
  const served = assets();
  const changes = new LiveChanges({
    audit: pages.options.auditPath,
    today: join(pages.options.root, "ops", "today.md"),
    waiting: () => pages.withRuntime(waitingCount),
  });

  app.get("/live", (c) => liveUpdates(c, changes));

  app.get("/assets/:name", async (c) => {
    const asset = served.get(c.req.param("name"));
    if (!asset) return c.notFound();
    return c.body(await readFile(asset.path), 200, { "content-type": asset.type, "cache-control": "no-cache" });
  });
}

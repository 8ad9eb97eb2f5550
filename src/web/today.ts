import { stat } from "node:fs/promises";
import { join } from "node:path";
import { minute } from "../ops/today.js";
import type { Runtime } from "../runtime/engine.js";
import { markdownHtml } from "./render.js";

// Today's page, built from the workspace as it is at each request: the page `leanos today` writes to
// ops/today.md, from the same threads and audit log, so it never shows a count from an older morning
// (the file on disk is only as fresh as the last pass or `leanos today`). Writing it to the file stays
// a button, since a GET that wrote into the workspace would be a change nobody asked for.

export async function todayView(runtime: Runtime, csrf: string) {
  // Loaded on first use, as `leanos today` loads it: no other page needs the threads read this way.
  const { todayNow } = await import("../ops/todayFile.js");
  const page = await todayNow(runtime);
  const written = await stat(join(runtime.workspace.root, "ops", "today.md")).catch(() => undefined);
  return {
    html: markdownHtml(page.markdown),
    written: written ? minute(written.mtime.toISOString()) : undefined,
    csrf,
  };
}

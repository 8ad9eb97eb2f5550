import { stat } from "node:fs/promises";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";

// Live updates over server-sent events. Everything that moves a thread on leaves a line in the audit
// log (the CLI, a pass, another tab, LangGraph's server), and a pass rewrites ops/today.md: when
// either file changes, each open page is told, and fetches itself again.

const POLL_MS = 500;
const KEEPALIVE_MS = 15_000;

async function versionOf(files: readonly string[]): Promise<string> {
  const parts = await Promise.all(files.map(async (file) => {
    const info = await stat(file).catch(() => undefined);
    return info ? `${info.size}:${info.mtimeMs}` : "-";
  }));
  return parts.join("|");
}

export function liveUpdates(c: Context, files: readonly string[]): Response {
  return streamSSE(c, async (stream) => {
    let closed = false;
    stream.onAbort(() => {
      closed = true;
    });
    let version = await versionOf(files);
    let quiet = 0;
    await stream.writeSSE({ event: "ready", data: version });
    while (!closed) {
      await stream.sleep(POLL_MS);
      const now = await versionOf(files);
      if (now !== version) {
        version = now;
        quiet = 0;
        await stream.writeSSE({ event: "change", data: version });
      } else if ((quiet += POLL_MS) >= KEEPALIVE_MS) {
        quiet = 0;
        await stream.writeSSE({ event: "keepalive", data: "" });
      }
    }
  });
}

import { createHash } from "node:crypto";
import { readdir, readFile, readlink } from "node:fs/promises";
import { request } from "node:http";
import { join, relative } from "node:path";
import { afterAll } from "vitest";
import { Runtime } from "../../src/runtime/engine.js";
import type { ThreadMeta } from "../../src/core/threadMeta.js";
import { startWebServer, type WebServer } from "../../src/web/server.js";
import { eventFile, sampleCopy } from "../helpers.js";

// The real web server on a workspace, and what the web tests do to it: start it, draft events into
// the workspace, send requests exactly as written, and fingerprint every byte of the workspace.

const servers: WebServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** The web server on `workspace`; `now` fixes its clock (due dates, SLAs), as `leanos --now` does. */
export async function serving(workspace: string, host = "127.0.0.1", now?: Date): Promise<WebServer> {
  const server = await startWebServer({
    runtime: { workspace, provider: "offline", ...(now ? { now: () => now } : {}) },
    host,
    port: 0,
    by: "tester",
  });
  servers.push(server);
  return server;
}

export async function withEvent(text: string): Promise<{ workspace: string; thread: string }> {
  const workspace = await sampleCopy();
  const runtime = await Runtime.open({ workspace, provider: "offline" });
  try {
    const result = await runtime.startEvent({ text, date: "2026-11-26", source: "test" });
    return { workspace, thread: result.thread };
  } finally {
    await runtime.close();
  }
}

/** The sample's closed deal, drafted to its decision gate. */
export const closedDeal = async () => withEvent(await readFile(eventFile("01-elsaai-deal-closed.md"), "utf8"));

export async function meta(workspace: string, thread: string): Promise<ThreadMeta> {
  return JSON.parse(
    await readFile(join(workspace, "threads", ...thread.split("/"), "meta.json"), "utf8"),
  ) as ThreadMeta;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path exactly as written (no dot segments resolved, no slashes merged by the client). */
export function rawRequest(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, path, method: options.method ?? "GET", headers: options.headers ?? {} },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

export const rawGet = (url: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
  rawRequest(url, path, { headers });

/** The value of a form input in a page (the first one of that name). */
export const formOf = (html: string, name: string): string =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";

export function post(
  server: WebServer,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(new URL("/inbox/answer", server.url), {
    method: "POST",
    body: new URLSearchParams(fields),
    headers,
    redirect: "manual",
  });
}

/**
 * Every file of the workspace, runtime state included (.leanos/: checkpoints, audit log, settings),
 * by path, with a hash of its bytes (or where it links): equal fingerprints mean nothing changed.
 */
export async function fingerprint(workspace: string): Promise<Record<string, string>> {
  const prints: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative(workspace, path);
      if (entry.isSymbolicLink()) prints[name] = `-> ${await readlink(path)}`;
      else if (entry.isDirectory()) await walk(path);
      else
        prints[name] = createHash("sha256")
          .update(await readFile(path))
          .digest("hex");
    }
  };
  await walk(workspace);
  return prints;
}

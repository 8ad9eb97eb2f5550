import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { EnvironmentFault, UsageError } from "../errors.js";
import { Runtime, type RuntimeOptions } from "../runtime/engine.js";
import { webApp } from "./app.js";
import { isLoopback, newSecret, type Guard } from "./guard.js";

// Starts the web inbox on a workspace: checks the workspace opens, listens, and says where.

export interface WebServerOptions {
  runtime: RuntimeOptions;
  host: string;
  /** A whole number from 0 to 65535; anything else (as typed after --port) is refused. */
  port: number | string;
  by: string;
}

export interface WebServer {
  /** Where to open the inbox; with the token when one is needed. */
  url: string;
  /** Required on every request when the server listens beyond this machine. */
  token: string | undefined;
  root: string;
  close(): Promise<void>;
}

const hostInUrl = (host: string): string => (host.includes(":") ? `[${host}]` : host);

function listening(server: Server): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("listening", () => resolve(server.address() as AddressInfo));
    server.once("error", reject);
  });
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { port } = options;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${port}: a port is a whole number from 0 to 65535`);
  // Fails here, before listening, when the folder is no workspace.
  const probe = await Runtime.open(options.runtime);
  const root = probe.workspace.root;
  const auditPath = probe.workspace.auditPath;
  await probe.close();

  const guard: Guard = { token: isLoopback(options.host) ? undefined : newSecret(), csrf: newSecret(), hosts: undefined };
  const app = webApp({ root, auditPath, by: options.by, guard, open: () => Runtime.open({ ...options.runtime, workspace: root }) });
  const server = serve({ fetch: app.fetch, hostname: options.host, port }) as Server;
  let address: AddressInfo;
  try {
    address = await listening(server);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`port ${port} on ${options.host} is taken: pick another with --port, or --port 0 for any free one`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new UsageError(`--host ${options.host}: this machine has no such address`);
    throw new EnvironmentFault(`cannot listen on ${options.host}:${port}: ${(error as Error).message}`);
  }
  // On this machine alone, the Host header must name this server (no DNS rebinding); beyond it, the token guards.
  if (guard.token === undefined) guard.hosts = new Set(["127.0.0.1", "localhost", "[::1]", hostInUrl(options.host)].map((host) => `${host}:${address.port}`));
  const base = `http://${hostInUrl(options.host)}:${address.port}/`;
  return {
    url: guard.token ? `${base}?token=${guard.token}` : base,
    token: guard.token,
    root,
    close: () =>
      new Promise<void>((resolve) => {
        // Open live-update streams would hold the server open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createServer, STATUS_CODES, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener, RequestError } from "@hono/node-server";
import { EnvironmentFault, UsageError } from "../errors.js";
import { openRuntime, type ServiceOptions } from "../service/open.js";
import { webApp } from "./app.js";
import { isLoopback, newSecret, SECURITY_HEADERS, type Guard } from "./guard.js";

// Starts the web inbox on a workspace: checks the workspace opens, listens, and says where.

export interface WebServerOptions {
  runtime: ServiceOptions;
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

/** The answer to a request the adapter cannot make into one for the routes (a path it will not parse). */
function refuseUnreadable(error: unknown): Response {
  const status = error instanceof RequestError ? 400 : 500;
  return new Response(`${STATUS_CODES[status]}\n`, {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * A request too malformed for the routes (a broken request line, headers too large) is answered here,
 * in place of Node's bare answer, so it carries the security headers too.
 */
function refuseMalformed(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const body = `${STATUS_CODES[status]}\n`;
  const headers = {
    ...SECURITY_HEADERS,
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    connection: "close",
  };
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("")}\r\n${body}`,
  );
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { port } = options;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${port}: a port is a whole number from 0 to 65535`);
  // Fails here, before listening, when the folder is no workspace.
  const probe = await openRuntime(options.runtime);
  const root = probe.workspace.root;
  const auditPath = probe.workspace.auditPath;
  await probe.close();

  const guard: Guard = {
    token: isLoopback(options.host) ? undefined : newSecret(),
    csrf: newSecret(),
    hosts: undefined,
  };
  const app = webApp({
    root,
    auditPath,
    by: options.by,
    guard,
    open: () => openRuntime({ ...options.runtime, workspace: root }),
  });
  const server = createServer(
    getRequestListener(app.fetch, { hostname: options.host, errorHandler: refuseUnreadable }),
  );
  server.on("clientError", refuseMalformed);
  server.listen(port, options.host);
  let address: AddressInfo;
  try {
    address = await listening(server);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new UsageError(
        `port ${port} on ${options.host} is taken: pick another with --port, or --port 0 for any free one`,
      );
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
      throw new UsageError(`--host ${options.host}: this machine has no such address`);
    throw new EnvironmentFault(`cannot listen on ${options.host}:${port}: ${(error as Error).message}`);
  }
  // On this machine alone, the Host header must name this server (no DNS rebinding); beyond it, the token guards.
  if (guard.token === undefined)
    guard.hosts = new Set(
      ["127.0.0.1", "localhost", "[::1]", hostInUrl(options.host)].map((host) => `${host}:${address.port}`),
    );
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

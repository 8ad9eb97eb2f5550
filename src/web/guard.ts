import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import { localPath } from "./redirect.js";
import { crossSite } from "./crossSite.js";

// Who may use the inbox, and how a page is kept from being used by another site.
// - On a loopback address only this machine can connect. Anywhere else every request must carry the
//   token printed at start: as a bearer header, or as ?token= once, which leaves a cookie.
// - The Host header must name the address served, so a web page on another name that resolves to
//   127.0.0.1 (DNS rebinding) is refused.
// - A POST must come from the inbox's own pages: no cross-site Origin or Sec-Fetch-Site, and the
//   form's secret, which only the server's own pages carry.
// - No request body is taken beyond 1 MB, and every answer, a refusal included, carries the
//   security headers.

export const TOKEN_COOKIE = "leanos_token";

export interface Guard {
  /** Required on every request when set. */
  token: string | undefined;
  /** The secret every form carries. */
  csrf: string;
  /** Host header values that name this server; any host when undefined (the token guards it). */
  hosts: Set<string> | undefined;
}

export const isLoopback = (host: string): boolean =>
  host === "127.0.0.1" || host === "::1" || host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host);

export const newSecret = (): string => randomBytes(24).toString("base64url");

function same(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The headers every answer carries, pages, files, refusals, errors and the live stream alike (and
 * the bare answers of server.ts to requests too malformed to reach the routes).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on its own forms.
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** Sets the security headers on whatever answer the routes, the checks or the error handler gave. */
export function secured(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
  };
}

/** The largest request body taken: a form's answer is a few kilobytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Refuses (413) a body over MAX_BODY_BYTES: by its Content-Length before any of it is read, and
 * while it streams when it has none (chunked), so no body is ever held beyond the limit. The
 * connection is closed after the refusal rather than reading the rest of an oversized body.
 */
export function bodyLimited(): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      c.text(
        `the request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB: an answer from the inbox is far smaller`,
        413,
        { connection: "close" },
      ),
  });
}

function refuse(c: Context, status: 401 | 403 | 421, text: string): Response {
  return c.text(text, status);
}

/** The token, the Host header and cross-site POSTs, checked before any route. */
export function guarded(guard: Guard): MiddlewareHandler {
  return async (c, next) => {
    const host = (c.req.header("host") ?? "").toLowerCase();
    if (guard.hosts && !guard.hosts.has(host))
      return refuse(c, 421, `this server does not answer for the host "${host}"`);
    if (guard.token !== undefined) {
      const bearer = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
      const query = c.req.query("token");
      if (!same(bearer, guard.token) && !same(getCookie(c, TOKEN_COOKIE), guard.token) && !same(query, guard.token)) {
        return refuse(c, 401, "a token is needed: open the address leanos serve printed (it ends in ?token=...)");
      }
      if (query !== undefined && c.req.method === "GET") {
        // The token leaves the address at once: it stays in a cookie only this site gets, and the
        // browser goes on to the same page of this site (never to another, whatever the path says).
        setCookie(c, TOKEN_COOKIE, guard.token, { httpOnly: true, sameSite: "Strict", path: "/" });
        const url = new URL(c.req.url);
        url.searchParams.delete("token");
        return c.redirect(localPath(`${url.pathname}${url.search}`), 303);
      }
    }
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      if (crossSite((name) => c.req.header(name), host))
        return refuse(c, 403, "a form from another site cannot answer here");
    }
    await next();
  };
}

/** Whether a posted form carries the server's form secret. */
export const carriesSecret = (guard: Guard, given: unknown): boolean =>
  typeof given === "string" && same(given, guard.csrf);

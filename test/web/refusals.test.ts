import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, SECURITY_HEADERS } from "../../src/web/guard.js";
import { localPath } from "../../src/web/redirect.js";
import type { WebServer } from "../../src/web/server.js";
import { eventFile, sampleWorkspace } from "../helpers.js";
import {
  closedDeal,
  fingerprint,
  formOf,
  meta,
  post,
  rawGet,
  serving,
  withEvent,
  type RawResponse,
} from "./serving.js";

// What `leanos serve` refuses, each against the real server, and that a refusal leaves every byte of
// the workspace (its runtime state in .leanos/ included) as it was.

const addressOf = (server: WebServer) => ({
  host: new URL(server.url).hostname,
  port: Number(new URL(server.url).port),
});

describe("leanos serve: /files shows where a file really is", () => {
  it("refuses a symlink that leads into .leanos/ or .git/ or out of the served folders, and serves one that stays in them", async () => {
    const { workspace } = await withEvent("Acme signed the order form: $40K ARR");
    await mkdir(join(workspace, ".git"), { recursive: true });
    await writeFile(
      join(workspace, ".git", "config"),
      '[remote "origin"]\n\turl = https://git-secret.example/acme.git\n',
    );
    await mkdir(join(workspace, "artifacts"), { recursive: true });
    await mkdir(join(workspace, "ops"), { recursive: true });
    const links: Array<[string, string]> = [
      ["artifacts/git-config", "../.git/config"],
      ["artifacts/settings.yaml", "../.leanos/config.yaml"],
      ["threads/audit.md", "../.leanos/audit.jsonl"],
      // A folder link: the file's name is served, the folder it lands in is not.
      ["ops/state", "../.leanos"],
      // Inside the workspace, but not one of the served folders.
      ["strategy/event.md", "../events/01-elsaai-deal-closed.md"],
      // Two hops, the first one to a served place.
      ["strategy/hop", "../.git/config"],
      ["artifacts/chain", "../strategy/hop"],
      ["artifacts/passwd", "/etc/passwd"],
      // Stays in the served folders: shown.
      ["artifacts/canvas.md", "../strategy/canvas/10-assumptions.md"],
    ];
    await mkdir(join(workspace, "events"), { recursive: true });
    await writeFile(
      join(workspace, "events", "01-elsaai-deal-closed.md"),
      await readFile(eventFile("01-elsaai-deal-closed.md")),
    );
    for (const [path, target] of links) await symlink(target, join(workspace, path));
    const server = await serving(workspace);
    const before = await fingerprint(workspace);
    const secrets = [
      /git-secret\.example/,
      /"kind":"thread-started"/,
      /approval_threshold|provider:/,
      /root:/,
      /Giulia Ferraro/,
    ];
    for (const path of [
      "artifacts/git-config",
      "artifacts/settings.yaml",
      "threads/audit.md",
      "ops/state/config.yaml",
      "ops/state/audit.jsonl",
      "strategy/event.md",
      "artifacts/chain",
      "strategy/hop",
      "artifacts/passwd",
    ]) {
      const response = await rawGet(server.url, `/files/${path}`);
      expect(response.status, path).toBe(404);
      for (const secret of secrets) expect(response.body, path).not.toMatch(secret);
    }
    const shown = await rawGet(server.url, "/files/artifacts/canvas.md");
    expect(shown.status).toBe(200);
    expect(shown.body).toContain("Luxury brands prefer a white-label SDK");
    expect(await fingerprint(workspace)).toEqual(before);
  });

  it("does not show a waiting item's draft that is a symlink into .leanos/ in the inbox either", async () => {
    const { workspace, thread } = await closedDeal();
    const draft = (await meta(workspace, thread)).pending[0]!.draft!;
    await rm(join(workspace, draft));
    await symlink(join("..", "..", "..", ".leanos", "audit.jsonl"), join(workspace, draft));
    const server = await serving(workspace);
    const inbox = await (await fetch(new URL("/inbox", server.url))).text();
    expect(inbox).toContain(`${draft} is not among the files this inbox shows`);
    expect(inbox).not.toMatch(/"kind":"thread-started"/);
  });
});

/** A POST that sends its headers and only `sent` of its body, then waits for the answer. */
function partialPost(server: WebServer, headers: Record<string, string>, sent: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...addressOf(server),
        path: "/inbox/answer",
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.write(sent);
  });
}

/** A chunked POST (no Content-Length) of `total` bytes in 64 KB chunks, stopped as soon as an answer comes. */
function chunkedPost(server: WebServer, total: number): Promise<RawResponse & { sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(
      {
        ...addressOf(server),
        path: "/inbox/answer",
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
      },
      (res) => {
        answered = true;
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent }));
      },
    );
    // Writing on after the server closed the connection fails; the answer is what counts.
    req.on("error", (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = (): void => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe("leanos serve: request bodies", () => {
  it("refuses a body over 1 MB by its Content-Length, before reading any of it (413)", async () => {
    const { workspace } = await closedDeal();
    const server = await serving(workspace);
    const before = await fingerprint(workspace);
    // 600 MB announced, a few bytes sent: the answer comes without the rest.
    const refused = await partialPost(server, { "content-length": String(600 * 1024 * 1024) }, "csrf=x&thread=");
    expect(refused.status).toBe(413);
    expect(refused.body).toContain("larger than 1 MB");
    expect(refused.headers.connection).toBe("close");
    // One byte over is over.
    const over = await fetch(new URL("/inbox/answer", server.url), {
      method: "POST",
      body: "a".repeat(MAX_BODY_BYTES + 1),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(over.status).toBe(413);
    expect(await fingerprint(workspace)).toEqual(before);
  });

  it("refuses a chunked body (no Content-Length) once it passes 1 MB, while it streams (413)", async () => {
    const { workspace } = await closedDeal();
    const server = await serving(workspace);
    const before = await fingerprint(workspace);
    const refused = await chunkedPost(server, 64 * 1024 * 1024);
    expect(refused.status).toBe(413);
    expect(refused.sent).toBeGreaterThan(MAX_BODY_BYTES);
    // Refused long before the 64 MB were all sent.
    expect(refused.sent).toBeLessThan(64 * 1024 * 1024);
    expect(await fingerprint(workspace)).toEqual(before);
  });

  it("still reads a body under the limit, chunked or not", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    const before = await fingerprint(workspace);
    // A form of 900 KB without the form secret: read whole, and refused for the secret, not its size.
    const large = await post(server, { thread, interrupt: "x", answer: "reject", reason: "r".repeat(900 * 1024) });
    expect(large.status).toBe(403);
    const chunked = await chunkedPost(server, 512 * 1024);
    expect(chunked.status).toBe(403);
    expect(await fingerprint(workspace)).toEqual(before);
  });
});

describe("leanos serve: redirects stay on the site", () => {
  it("takes the token link to a local path, never to another host, however the path is spelled", async () => {
    const { workspace } = await withEvent("Acme signed the order form: $40K ARR");
    const server = await serving(workspace, "0.0.0.0");
    const origin = `http://127.0.0.1:${new URL(server.url).port}`;
    for (const path of [
      "//evil.com/",
      "//evil.com/inbox",
      "/.//evil.com/",
      "//evil.com/%2F..",
      "///evil.com/",
      "/%5Cevil.com/",
      "/http://evil.com/",
      "/javascript:alert(1)//",
    ]) {
      const response = await rawGet(origin, `${path}?token=${server.token}`);
      expect(response.status, path).toBe(303);
      const location = String(response.headers.location);
      expect(location, path).toMatch(/^\/(?![/\\])/);
      expect(new URL(location, origin).origin, path).toBe(origin);
    }
    // A path the adapter will not read at all (a backslash) is refused, with no redirect.
    const backslash = await rawGet(origin, `/\\evil.com/?token=${server.token}`);
    expect(backslash.status).toBe(400);
    expect(backslash.headers.location).toBeUndefined();
    // The link as printed goes on to the page asked for, its query kept and the token dropped.
    const link = await rawGet(origin, `/inbox?page=2&token=${server.token}`);
    expect(link.headers.location).toBe("/inbox?page=2");
  });

  it("reduces any target that would leave the site to a local path", () => {
    expect(localPath("/inbox?page=2")).toBe("/inbox?page=2");
    expect(localPath("//evil.com/x?y=1")).toBe("/");
    expect(localPath("/\\evil.com/")).toBe("/");
    expect(localPath("/\t/evil.com/")).toBe("/");
    expect(localPath("/\n/evil.com/")).toBe("/");
    expect(localPath("https://evil.com/")).toBe("/");
    expect(localPath("javascript:alert(1)")).toBe("/");
    expect(localPath("evil.com")).toBe("/");
    // A path whose dots resolve to two leading slashes keeps one.
    expect(localPath("/a/..//evil.com")).toBe("/evil.com");
    expect(localPath("/./\\evil.com")).toBe("/evil.com");
  });
});

const securityHeaders = (headers: Headers | RawResponse["headers"]): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.keys(SECURITY_HEADERS).map((name) => [
      name,
      headers instanceof Headers ? (headers.get(name) ?? undefined) : (headers[name] as string | undefined),
    ]),
  );

/** The bytes of a request sent as they are, and the head of the answer. */
function rawExchange(server: WebServer, bytes: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(addressOf(server).port, addressOf(server).host, () => socket.write(bytes));
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
    socket.on("error", reject);
    socket.on("close", () => {
      const [status, ...lines] = text.split("\r\n\r\n")[0]!.split("\r\n");
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
      );
      resolve({ status: Number(status!.split(" ")[1]), headers, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
  });
}

describe("leanos serve: security headers", () => {
  it("puts them on every answer: pages, assets, the live stream, redirects, refusals and errors", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    const guarded = await serving(workspace, "0.0.0.0");
    const bare = `http://127.0.0.1:${new URL(guarded.url).port}`;
    const page = await (await fetch(new URL("/inbox", server.url))).text();
    const form = { csrf: formOf(page, "csrf"), thread, interrupt: formOf(page, "interrupt"), page: "1" };
    const live = new AbortController();
    const answers: Array<[string, number, Headers | RawResponse["headers"]]> = [];
    const add = async (name: string, response: Response | RawResponse): Promise<void> => {
      answers.push([name, response.status, response.headers]);
      if (response instanceof Response && name !== "live") await response.body?.cancel();
    };
    await add("page", await fetch(new URL("/inbox", server.url)));
    await add("asset", await fetch(new URL("/assets/app.css", server.url)));
    await add("live", await fetch(new URL("/live", server.url), { signal: live.signal }));
    live.abort();
    await add("redirect", await fetch(new URL("/", server.url), { redirect: "manual" }));
    await add("no token", await fetch(`${bare}/inbox`));
    await add("token link", await fetch(`${bare}/inbox?token=${guarded.token}`, { redirect: "manual" }));
    await add("another host", await rawGet(server.url, "/inbox", { host: "evil.example" }));
    await add("no form secret", await post(server, { thread, answer: "accept" }));
    await add("another site", await post(server, { ...form, answer: "accept" }, { origin: "http://evil.example" }));
    await add("not served", await rawGet(server.url, "/files/.leanos/config.yaml"));
    await add("no such page", await fetch(new URL("/nowhere", server.url)));
    await add(
      "too large",
      await fetch(new URL("/inbox/answer", server.url), { method: "POST", body: "a".repeat(MAX_BODY_BYTES + 1) }),
    );
    await add("no question named", await post(server, { ...form, interrupt: "", answer: "accept" }));
    await add("question gone", await post(server, { ...form, interrupt: "0".repeat(32), answer: "accept" }));
    await add("unreadable path", await rawGet(server.url, "/\\evil.com/"));
    await add(
      "malformed request",
      await rawExchange(server, `GET /inbox HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n`),
    );
    // A canvas file gone while the server runs: the error page.
    await rm(join(workspace, "strategy", "canvas", "10-assumptions.md"));
    await add("error", await fetch(new URL("/inbox", server.url)));
    await writeFile(
      join(workspace, "strategy", "canvas", "10-assumptions.md"),
      await readFile(join(sampleWorkspace, "strategy", "canvas", "10-assumptions.md")),
    );

    expect(answers.map(([name, status]) => `${name} ${status}`)).toEqual([
      "page 200",
      "asset 200",
      "live 200",
      "redirect 303",
      "no token 401",
      "token link 303",
      "another host 421",
      "no form secret 403",
      "another site 403",
      "not served 404",
      "no such page 404",
      "too large 413",
      "no question named 422",
      "question gone 409",
      "unreadable path 400",
      "malformed request 400",
      "error 400",
    ]);
    for (const [name, , headers] of answers) expect(securityHeaders(headers), name).toEqual(SECURITY_HEADERS);
  });
});

describe("leanos serve: an answer names the question it answers", () => {
  /** The accept form of the item the inbox shows first, as the page carries it. */
  async function acceptForm(server: WebServer): Promise<Record<string, string>> {
    const page = await (await fetch(new URL("/inbox", server.url))).text();
    return {
      csrf: formOf(page, "csrf"),
      thread: formOf(page, "thread"),
      interrupt: formOf(page, "interrupt"),
      page: formOf(page, "page"),
      answer: "accept",
    };
  }

  it("refuses the accept form of act-3 sent twice (409): the second does not approve act-4, and nothing changes", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    expect((await post(server, await acceptForm(server))).status).toBe(303);
    expect((await meta(workspace, thread)).pending[0]).toMatchObject({ kind: "actions", action_id: "act-3" });

    const act3 = await acceptForm(server);
    expect(act3.interrupt).toBe((await meta(workspace, thread)).pending[0]!.id);
    expect((await post(server, act3)).status).toBe(303);
    const waiting = await meta(workspace, thread);
    expect(waiting.pending[0]).toMatchObject({ kind: "actions", action_id: "act-4" });

    const before = await fingerprint(workspace);
    const again = await post(server, act3);
    expect(again.status).toBe(409);
    const html = await again.text();
    expect(html).toMatch(
      /<p class="error" role="alert">That question on sales\/elsaai-deal-closed no longer waits: it was answered \(here, in another tab or elsewhere\), or this form was sent twice\. Nothing was changed/,
    );
    // The page shows what waits now: act-4, still to be answered.
    expect(html).toContain('data-action="act-4"');
    expect(await meta(workspace, thread)).toEqual(waiting);
    expect(await fingerprint(workspace)).toEqual(before);
  });

  it("refuses an answer that names no question (422), or one that does not wait (409), whatever the answer, and changes nothing", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    const form = await acceptForm(server);
    const before = await fingerprint(workspace);
    const answers: Array<Record<string, string>> = [
      { answer: "accept" },
      { answer: "reject", reason: "no" },
      { answer: "respond", feedback: "shorter" },
      { answer: "edit", "field:verdict": "DEFER" },
    ];
    for (const answer of answers) {
      const { interrupt: _named, ...unnamed } = form;
      const none = await post(server, { ...unnamed, ...answer });
      expect(none.status, answer.answer).toBe(422);
      expect(await none.text()).toContain(
        "This answer does not say which question it answers (the form is from an older page): nothing was changed.",
      );
      expect((await post(server, { ...form, ...answer, interrupt: "" })).status, answer.answer).toBe(422);
      expect((await post(server, { ...form, ...answer, interrupt: "0".repeat(32) })).status, answer.answer).toBe(409);
    }
    // An interrupt id of another thread's question does not answer this one.
    const other = await closedDeal();
    const elsewhere = (await meta(other.workspace, other.thread)).pending[0]!.id!;
    expect((await post(server, { ...form, interrupt: elsewhere })).status).toBe(409);
    expect((await meta(workspace, thread)).pending[0]).toMatchObject({ kind: "impact", id: form.interrupt });
    expect(await fingerprint(workspace)).toEqual(before);
  });
});

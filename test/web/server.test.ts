import { spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Runtime } from "../../src/runtime/engine.js";
import { cliPath, runCli, sampleCopy, sampleWorkspace } from "../helpers.js";
import { closedDeal, formOf, meta, post, rawGet, serving, withEvent } from "./serving.js";

// `leanos serve` as a browser and an attacker meet it: pages that show event text as text, answers
// checked by the gates' own rules, nothing outside the workspace, a token beyond this machine, and
// no answers from other sites.

const HOSTILE =
  'Acme signed the order form: $40K ARR. <script>alert("owned")</script> Their CTO said <img src=x onerror=alert(1)> [click](javascript:alert(2)).';

describe("leanos serve: pages", () => {
  it("shows event text as text everywhere, markdown included, never as markup", async () => {
    const { workspace, thread } = await withEvent(HOSTILE);
    const server = await serving(workspace);
    const pages: string[] = [];
    for (const path of ["/inbox", "/threads", `/threads/${thread}`, `/files/threads/${thread}/1-input.md`]) {
      const response = await fetch(new URL(path, server.url));
      expect(response.status, path).toBe(200);
      const html = await response.text();
      expect(html, path).not.toMatch(/<script>alert|<img src=x onerror|href="javascript:/i);
      expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
      pages.push(html);
    }
    // The event as it came in is on the thread's page, as text.
    expect(pages[2]).toContain("&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;");
    expect(pages[2]).toContain("&lt;img src=x onerror=alert(1)&gt;");
    // Markdown a draft holds is rendered, and HTML in it is shown as text.
    await mkdir(join(workspace, "artifacts"), { recursive: true });
    await writeFile(
      join(workspace, "artifacts", "note.md"),
      "# Note\n\n<script>alert(3)</script>\n\n<img src=y onerror=alert(4)>\n\n[x](javascript:alert(5))\n",
    );
    const note = await (await fetch(new URL("/files/artifacts/note.md", server.url))).text();
    expect(note).toContain("<h1>Note</h1>");
    expect(note).toContain("&lt;script&gt;alert(3)&lt;/script&gt;");
    expect(note).toContain("&lt;img src=y onerror=alert(4)&gt;");
    expect(note).not.toMatch(/<script>alert|<img src=y|href="javascript:/i);
  });

  it("answers through the gate's own checks: a wrong value shows next to its field and changes nothing; a right one moves the thread on", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    let page = await (await fetch(new URL("/inbox", server.url))).text();
    const accepted = await post(server, {
      csrf: formOf(page, "csrf"),
      thread,
      interrupt: formOf(page, "interrupt"),
      answer: "accept",
    });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("location")).toBe(`/inbox?answered=${encodeURIComponent(thread)}`);
    const waiting = await meta(workspace, thread);
    expect(waiting.pending[0]).toMatchObject({ kind: "actions", action_id: "act-3" });

    page = await (await fetch(new URL("/inbox", server.url))).text();
    const fields = { csrf: formOf(page, "csrf"), thread, interrupt: formOf(page, "interrupt"), answer: "edit" };
    const wrong = await post(server, { ...fields, "field:due": "2026-13-45" });
    expect(wrong.status).toBe(422);
    const refused = await wrong.text();
    expect(refused).toMatch(/<input id="f-1-due" name="field:due" value="2026-13-45" aria-invalid="true"/);
    expect(refused).toMatch(/class="field-error"[^>]*>not a calendar date/);
    expect(await meta(workspace, thread)).toEqual(waiting);

    const right = await post(server, { ...fields, "field:due": "2026-12-20" });
    expect(right.status).toBe(303);
    const moved = await meta(workspace, thread);
    expect(moved.pending[0]).toMatchObject({ action_id: "act-4" });
    const log = await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8");
    expect(log).toMatch(/"kind":"gate-answered".*"by":"tester"/);
  });

  it("lists threads with state, stage and SLA, and shows one thread's six stages, event and files", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    const list = await (await fetch(new URL("/threads", server.url))).text();
    expect(list).toMatch(new RegExp(`<tr class="state-waiting">\\s*<td><a href="/threads/${thread}">`));
    // It waits at the decision, whose SLA in graphs/causal-flow.yaml is 7 days.
    expect(list).toMatch(
      /<td>waiting<\/td><td>decision<\/td><td>0\.87<\/td><td>[\d-]+ [\d:]+<\/td><td>\d+ of 7 day\(s\)<\/td>/,
    );
    const one = await (await fetch(new URL(`/threads/${thread}`, server.url))).text();
    const stages = [...one.matchAll(/<li class="stage (\w+)">\s*<h2>(\d)\. (\w+)/g)].map(
      (match) => `${match[2]}. ${match[3]}: ${match[1]}`,
    );
    expect(stages).toEqual([
      "1. input: done",
      "2. hypothesis: done",
      "3. implication: done",
      "4. decision: waiting",
      "5. actions: ahead",
      "6. learning: ahead",
    ]);
    expect(one).toContain("ElsaAI");
    expect(one).toContain(`href="/files/threads/${thread}/4-decision.md"`);
    expect((await fetch(new URL("/threads/no-such-thread", server.url))).status).toBe(404);
  });

  it("shows a workspace file broken while it runs as a page naming the file, and keeps serving", async () => {
    const { workspace } = await closedDeal();
    const server = await serving(workspace);
    await rm(join(workspace, "strategy", "canvas", "10-assumptions.md"));
    const broken = await fetch(new URL("/inbox", server.url));
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain("10-assumptions.md");
    await writeFile(
      join(workspace, "strategy", "canvas", "10-assumptions.md"),
      await readFile(join(sampleWorkspace, "strategy", "canvas", "10-assumptions.md")),
    );
    expect((await fetch(new URL("/inbox", server.url))).status).toBe(200);
  });

  it("keeps an assumption whose heading holds a Unicode line separator, on /canvas and in leanos canvas", async () => {
    const workspace = await sampleCopy();
    const path = join(workspace, "strategy", "canvas", "10-assumptions.md");
    const text = await readFile(path, "utf8");
    expect(text).toContain("### A4: Luxury brands prefer a white-label SDK\n");
    await writeFile(
      path,
      text.replace(
        "### A4: Luxury brands prefer a white-label SDK\n",
        "### A4: Luxury brands prefer\u2028a white-label SDK\n",
      ),
    );
    const server = await serving(workspace);
    const canvas = await (await fetch(new URL("/canvas", server.url))).text();
    expect(canvas).toContain('<section class="assumption status-TESTING" id="A4">');
    expect(canvas).toContain("<h2>A4: Luxury brands prefer\u2028a white-label SDK</h2>");
    const listed = await runCli(["--workspace", workspace, "--json", "canvas"]);
    expect(listed.exitCode).toBe(0);
    expect(
      (JSON.parse(listed.stdout) as Array<{ id: string; title: string }>).find((assumption) => assumption.id === "A4"),
    ).toMatchObject({ title: "Luxury brands prefer\u2028a white-label SDK" });
  });

  it("draws each assumption's confidence from the audit log's canvas changes, with the thread behind each step", async () => {
    const { confidenceSteps } = await import("../../src/web/canvas.js");
    const assumption = {
      id: "A4",
      title: "t",
      status: "VALIDATED" as const,
      hypothesis: "h",
      confidence: 95,
      previous_confidence: 60,
      evidence: [],
      last_validated: "2027-01-06",
      related_sections: [],
      line: 1,
    };
    const change = (at: string, from: string, to: string, thread: string) => ({
      kind: "canvas-change" as const,
      at,
      thread,
      file: "strategy/canvas/10-assumptions.md",
      assumption: "A4",
      field: "confidence",
      from,
      to,
      by: "bella",
    });
    expect(
      confidenceSteps(assumption, [
        change("2026-12-01T10:00:00Z", "40%", "60%", "sales/a"),
        change("2027-01-06T10:00:00Z", "60%", "95%", "sales/b"),
      ]),
    ).toEqual([
      { date: "before", value: 40, note: "as the canvas stood" },
      { date: "2026-12-01", value: 60, thread: "sales/a" },
      { date: "2027-01-06", value: 95, thread: "sales/b" },
    ]);
    expect(confidenceSteps(assumption, [])).toEqual([
      { date: "earlier", value: 60 },
      { date: "2027-01-06", value: 95, note: "as the canvas says" },
    ]);
  });
});

describe("leanos serve: security", () => {
  it("serves nothing outside the workspace's own folders, however the path is spelled", async () => {
    const { workspace } = await withEvent("Acme signed the order form: $40K ARR");
    const server = await serving(workspace);
    for (const path of [
      "/../../etc/passwd",
      "/files/../../../etc/passwd",
      "/files/threads/../../../../etc/passwd",
      "/files/..%2F..%2F..%2Fetc%2Fpasswd",
      "/files/threads%2F..%2F..%2F..%2Fetc%2Fpasswd",
      "/files/%2e%2e/%2e%2e/etc/passwd",
      "/files//etc/passwd",
      "/files/.leanos/config.yaml",
      "/files/.git/config",
      "/files/threads/..%5C..%5Cetc%5Cpasswd",
      "/assets/..%2F..%2Fpackage.json",
      "/assets/../package.json",
    ]) {
      const response = await rawGet(server.url, path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toContain("root:");
    }
    expect((await rawGet(server.url, "/files/strategy/canvas/10-assumptions.md")).status).toBe(200);
  });

  it("refuses answers from other sites: no form secret, another Origin, or another Host", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    const page = await (await fetch(new URL("/inbox", server.url))).text();
    const before = await meta(workspace, thread);
    const fields = { thread, interrupt: formOf(page, "interrupt"), answer: "reject", reason: "forged" };
    expect((await post(server, fields)).status).toBe(403);
    expect((await post(server, { ...fields, csrf: "guessed" })).status).toBe(403);
    expect(
      (await post(server, { ...fields, csrf: formOf(page, "csrf") }, { origin: "http://evil.example" })).status,
    ).toBe(403);
    expect(
      (await post(server, { ...fields, csrf: formOf(page, "csrf") }, { "sec-fetch-site": "cross-site" })).status,
    ).toBe(403);
    expect((await rawGet(server.url, "/inbox", { host: "evil.example" })).status).toBe(421);
    expect(await meta(workspace, thread)).toEqual(before);
  });

  it("needs the token on every request when it listens beyond this machine", async () => {
    const { workspace } = await withEvent("Acme signed the order form: $40K ARR");
    const server = await serving(workspace, "0.0.0.0");
    expect(server.token).toBeDefined();
    const base = new URL(server.url);
    const bare = `http://127.0.0.1:${base.port}`;
    expect((await fetch(`${bare}/inbox`)).status).toBe(401);
    expect((await fetch(`${bare}/assets/app.css`)).status).toBe(401);
    expect((await fetch(`${bare}/inbox?token=wrong`)).status).toBe(401);
    expect((await fetch(`${bare}/inbox`, { headers: { authorization: `Bearer ${server.token}` } })).status).toBe(200);
    // The printed link sets a cookie and drops the token from the address.
    const link = await fetch(`${bare}/inbox?token=${server.token}`, { redirect: "manual" });
    expect(link.status).toBe(303);
    expect(link.headers.get("location")).toBe("/inbox");
    const cookie = (link.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(link.headers.get("set-cookie")).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/);
    expect((await fetch(`${bare}/inbox`, { headers: { cookie } })).status).toBe(200);
  });

  it("tells open pages when a thread moves on elsewhere (server-sent events)", async () => {
    const { workspace, thread } = await closedDeal();
    const server = await serving(workspace);
    const controller = new AbortController();
    const response = await fetch(new URL("/live", server.url), { signal: controller.signal });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    const seen: string[] = [];
    const read = async (until: RegExp): Promise<void> => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen.push(new TextDecoder().decode(value));
        if (until.test(seen.join(""))) return;
      }
    };
    await read(/event: ready/);
    // Another process answers (as the CLI would).
    const runtime = await Runtime.open({ workspace, provider: "offline" });
    try {
      await runtime.answer(thread, { type: "ignore", args: "not now", by: "cli" });
    } finally {
      await runtime.close();
    }
    await read(/event: change/);
    controller.abort();
    expect(seen.join("")).toMatch(/event: change/);
  });
});

describe("leanos serve: the command", () => {
  it("prints where the inbox is, serves it, and stops cleanly on SIGTERM", async () => {
    const { workspace } = await closedDeal();
    const run = spawn(
      process.execPath,
      [cliPath, "--workspace", workspace, "--provider", "offline", "serve", "--port", "0"],
      { env: { ...process.env, ANTHROPIC_API_KEY: "", NO_COLOR: "1" } },
    );
    let stdout = "";
    run.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      run.stdout.on("data", () => {
        const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)?.[0];
        if (found) resolve(found);
      });
      run.on("exit", (code) => reject(new Error(`leanos serve exited with ${code}: ${stdout}`)));
    });
    expect(stdout).toContain(`leanos inbox for ${workspace}`);
    const inbox = await fetch(`${url}inbox`);
    expect(inbox.status).toBe(200);
    expect(await inbox.text()).toContain("PROCEED");
    const exit = new Promise<number | null>((resolve) => run.on("exit", resolve));
    run.kill("SIGTERM");
    expect(await exit).toBe(0);
  });

  it("refuses a port that is not a number, and a taken one, with what to do", async () => {
    const workspace = await sampleCopy();
    const bad = await runCli(["--workspace", workspace, "serve", "--port", "http"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("--port http: a port is a whole number from 0 to 65535");
    const server = await serving(workspace);
    const taken = await runCli(["--workspace", workspace, "serve", "--port", new URL(server.url).port]);
    expect(taken.exitCode).toBe(2);
    expect(taken.stderr).toMatch(/port \d+ on 127\.0\.0\.1 is taken: pick another with --port/);
  });
});

import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvent } from "../../src/stages/readEvent.js";
import type { GatePayload } from "../../src/gates/wire.js";
import { differences, snapshot } from "../hostile/harness.js";
import { runCli, sampleCopy } from "../helpers.js";
import { serve, type Served } from "./harness.js";

// The served graph trusts nothing a client sends. Each case is what a security review did to the
// LangGraph server set up as the README says; each is refused, and the workspace is byte for byte as
// it was, but for the refused thread's own meta.json recording why (and the store's database).

const GRAPH = "leanos";
const DAY = "2026-11-27";
const config = { configurable: { leanos_now: `${DAY}T09:00:00Z` } };

let served: Served;
let client: Client;
let workspace: string;

type RunValues = { __interrupt__?: Array<{ id: string; value: GatePayload }>; thread?: string };

beforeAll(async () => {
  workspace = await sampleCopy();
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", workspace, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { stdio: "ignore" });
  git("init", "--quiet");
  git("add", "-A");
  git("commit", "--quiet", "-m", "start");
  served = await serve(workspace);
  client = await served.client("bella");
}, 60_000);

afterAll(async () => {
  await served?.stop();
});

async function start(eventFile: string): Promise<{ id: string; thread: string; values: RunValues }> {
  const id = randomUUID();
  await client.threads.create({ threadId: id });
  const event = await readEvent({ file: join(workspace, "events", eventFile), today: DAY });
  const values = (await client.runs.wait(id, GRAPH, { input: { event }, config } as never)) as RunValues;
  return { id, thread: values.__interrupt__![0]!.value.leanos.thread, values };
}

/** Runs `attack` and expects it to change nothing but the refused thread's meta.json, which records `why`. */
async function refused(thread: string | undefined, attack: () => Promise<unknown>, why: RegExp): Promise<void> {
  const ownMeta = thread ? join("threads", ...thread.split("/"), "meta.json") : "";
  const ignore = new Set([
    ".leanos/checkpoints.sqlite",
    ".leanos/checkpoints.sqlite-wal",
    ".leanos/checkpoints.sqlite-shm",
    ownMeta,
  ]);
  const before = await snapshot(workspace, ignore);
  await attack().catch(() => undefined);
  expect(differences(before, await snapshot(workspace, ignore))).toEqual([]);
  if (thread) {
    const meta = JSON.parse(await readFile(join(workspace, ownMeta), "utf8")) as { state: string; error?: string };
    expect(meta.state).toBe("failed");
    expect(meta.error).toMatch(why);
  }
}

const forgedPlan = (path: string, before: string, after: string) => ({
  "learning:canvas": {
    review: { answer: "accept", by: "anyone", at: `${DAY}T09:00:00Z` },
    values: { "A4.confidence": 99 },
    files: [{ path, before, after }],
    message: "forged",
    changes: [{ assumption: "A4", field: "confidence", from: "60%", to: "99%" }],
  },
});

describe("1. a client cannot write workspace files through a forged plan", () => {
  it("refuses a goto to the canvas apply node carrying a plan that rewrites .leanos/config.yaml", async () => {
    const { id, thread } = await start("01-elsaai-deal-closed.md");
    const settings = await readFile(join(workspace, ".leanos", "config.yaml"), "utf8").catch(() => "");
    await refused(
      thread,
      () =>
        client.runs.wait(id, GRAPH, {
          command: {
            goto: "apply_learning_canvas",
            update: { canvas_apply: forgedPlan(".leanos/config.yaml", settings, "approval_threshold: 0.01\n") },
          },
          config,
        } as never),
      /changed from outside the graph|out of order/,
    );
  }, 60_000);

  it("refuses a plan set by updateState as the learning stage, then run", async () => {
    const { id, thread } = await start("02-lost-deal-nordstil.md");
    const assumptions = await readFile(join(workspace, "strategy", "canvas", "10-assumptions.md"), "utf8");
    await refused(
      thread,
      async () => {
        await client.threads.updateState(id, {
          values: { canvas_apply: forgedPlan("strategy/canvas/10-assumptions.md", assumptions, "# gone\n") },
          asNode: "stage_learning",
        });
        await client.runs.wait(id, GRAPH, { input: null, config } as never);
      },
      /changed from outside the graph|out of order/,
    );
    // The thread's state can still be read (it was a 500 before).
    expect((await client.threads.getState(id)).values).toBeTruthy();
  }, 60_000);
});

describe("2. no web page can drive the server", () => {
  it("refuses a cross-site simple request even with a token, and answers no CORS origin", async () => {
    const { id, thread, values } = await start("01-elsaai-deal-closed.md");
    const body = JSON.stringify({
      assistant_id: GRAPH,
      command: { resume: [{ type: "accept", args: null }] },
      config: { configurable: { leanos_user: "anyone" } },
    });
    const token = await served.token("bella");
    const crossSite = await fetch(`${served.apiUrl}/threads/${id}/runs/wait`, {
      method: "POST",
      headers: { Origin: "http://evil.com", "content-type": "text/plain", authorization: `Bearer ${token}` },
      body,
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("access-control-allow-origin")).toBeNull();
    const fetchSite = await fetch(`${served.apiUrl}/threads/${id}/runs/wait`, {
      method: "POST",
      headers: { "sec-fetch-site": "cross-site", "content-type": "text/plain", "x-api-key": token },
      body,
    });
    expect(fetchSite.status).toBe(403);
    const preflight = await fetch(`${served.apiUrl}/threads/${id}/runs/wait`, {
      method: "OPTIONS",
      headers: { Origin: "http://evil.com", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const anonymousHeaders: Array<Record<string, string>> = [
      {},
      { "x-auth-scheme": "langsmith" },
      { authorization: `Bearer lnt_bella.${"0".repeat(64)}` },
    ];
    for (const headers of anonymousHeaders) {
      const anonymous = await fetch(`${served.apiUrl}/threads/${id}/runs/wait`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
      expect(anonymous.status).toBe(401);
    }
    // Nothing was answered: the decision still waits, and no outbox payload was written.
    const meta = JSON.parse(await readFile(join(workspace, "threads", ...thread.split("/"), "meta.json"), "utf8")) as {
      pending: Array<{ id: string }>;
    };
    expect(meta.pending[0]!.id).toBe(values.__interrupt__![0]!.id);
    expect(await readdir(join(workspace, "artifacts", "outbox")).catch(() => [])).toEqual([]);
  }, 60_000);

  it("records who answered from the token, not from the answer or the config", async () => {
    const { id, thread } = await start("01-elsaai-deal-closed.md");
    await client.runs.wait(id, GRAPH, {
      command: { resume: [{ type: "ignore", args: "not now", by: "mallory" }] },
      config: {
        configurable: { ...config.configurable, leanos_user: "ceo", langgraph_auth_user: { identity: "ceo" } },
      },
    } as never);
    const decision = await readFile(join(workspace, "threads", ...thread.split("/"), "4-decision.md"), "utf8");
    expect(decision).toMatch(/by: bella/);
    expect(decision).not.toMatch(/mallory|by: ceo/);
  }, 60_000);
});

describe("3. a forged thread name writes over nothing", () => {
  for (const forged of ["sales/elsaai-deal-closed", "../strategy/canvas", "../.leanos"]) {
    it(`refuses a run whose state names ${forged}`, async () => {
      const { id, thread } = await start("03-inbound-lead-atelier-rouge.md");
      await refused(
        thread,
        async () => {
          await client.threads.updateState(id, { values: { thread: forged }, asNode: "stage_hypothesis" });
          await client.runs.wait(id, GRAPH, { input: null, config } as never);
        },
        /this run's thread is|changed from outside the graph/,
      );
    }, 60_000);
  }
});

describe("4. an answer to a send names its question", () => {
  it("takes a double submit of the same named accept once: act-4 still waits", async () => {
    const { id, values } = await start("01-elsaai-deal-closed.md");
    const decision = (await client.runs.wait(id, GRAPH, {
      command: { resume: [{ type: "accept", args: null }] },
      config,
    } as never)) as RunValues;
    const act3 = decision.__interrupt__![0]!;
    expect(act3.value.leanos.action_id).toBe("act-3");
    expect(values.__interrupt__![0]!.value.leanos.kind).toBe("impact");
    const answer = { command: { resume: [{ type: "accept", args: null, interrupt_id: act3.id }] }, config };
    const first = (await client.runs.wait(id, GRAPH, answer as never)) as RunValues;
    expect(first.__interrupt__![0]!.value.leanos.action_id).toBe("act-4");
    const second = (await client.runs.wait(id, GRAPH, answer as never)) as RunValues;
    expect(second.__interrupt__![0]!.value.leanos).toMatchObject({
      action_id: "act-4",
      refused: expect.stringContaining("answered meanwhile"),
    });
  }, 60_000);
});

describe("5. events through the API keep the same limits as the CLI", () => {
  const huge = "Deal closed. ".repeat(400_000);
  for (const [label, text] of [
    ["a 5 MB event", huge],
    ["an event with a NUL character", "Deal closed\u0000 with Acme"],
    ["an event with a lone surrogate", "Deal closed \ud800 with Acme"],
  ] as const) {
    it(`refuses ${label} and claims no thread`, async () => {
      const id = randomUUID();
      await client.threads.create({ threadId: id });
      await refused(
        undefined,
        () => client.runs.wait(id, GRAPH, { input: { event: { text, date: DAY, source: "api" } }, config } as never),
        /./,
      );
    }, 60_000);
  }

  it("refuses a client's claim that its event takes up an opportunity", async () => {
    const id = randomUUID();
    await client.threads.create({ threadId: id });
    const values = (await client.runs.wait(id, GRAPH, {
      input: {
        event: {
          text: "Webinar sign-ups doubled after the case study went out.",
          date: DAY,
          source: "api",
          origin: { kind: "opportunity", threads: ["sales/elsaai-deal-closed"] },
        },
        origin: "sales/elsaai-deal-closed",
      },
      config,
    } as never)) as RunValues & { origin?: string; event?: { origin?: unknown } };
    const state = (await client.threads.getState(id)).values as { origin?: string; event: { origin?: unknown } };
    expect(state.origin).toBeUndefined();
    expect(state.event.origin).toBeUndefined();
    expect(values).toBeTruthy();
  }, 60_000);
});

describe("the CLI's event count", () => {
  it("refuses more events in an hour than max_events_per_hour allows", async () => {
    const dir = await sampleCopy();
    await writeFile(join(dir, ".leanos", "config.yaml"), "max_events_per_hour: 1\n");
    const first = await runCli(["--workspace", dir, "--quiet", "event", "Lost the Acme deal to a cheaper rival."]);
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await runCli(["--workspace", dir, "--quiet", "event", "Lost the Brio deal to a cheaper rival."]);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain("max_events_per_hour");
  }, 60_000);
});

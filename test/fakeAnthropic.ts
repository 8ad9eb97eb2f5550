import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { PromptCache, type CacheUsage, type MessagesRequest } from "./fakes/promptCache.js";

// A local HTTP server that speaks enough of the Anthropic Messages API for the provider tests and
// bench/cache.ts: it answers each request with the answer scripted for the tool the request asks
// for, and bills its tokens as the API's prompt cache would (fakes/promptCache.ts).

export interface RecordedRequest {
  body: {
    model: string;
    system?: Array<{ type: string; text: string; cache_control?: { type: string } }>;
    messages: Array<{ role: string; content: unknown }>;
    tools?: Array<{ name: string; input_schema: unknown }>;
    tool_choice?: { type: string; name?: string };
  };
  headers: IncomingMessage["headers"];
  /** The tool the request asks for ("text" for a plain answer). */
  tool: string;
  usage: CacheUsage;
}

export type Reply =
  | { status: number; body: unknown }
  | { tool: unknown }
  | { text: string }
  | { toolFrom: (request: RecordedRequest) => unknown }
  | { otherTool: string; input: unknown };

export interface FakeAnthropic {
  url: string;
  requests: RecordedRequest[];
  /** Scripted replies by tool name; each request takes the next one, the last one repeats. */
  script: Map<string, Reply[]>;
  /** How long each answer takes, so a test can act while a run is drafting. */
  delayMs: number;
  /** Holds every answer to a tool that `which` picks until the returned release is called. */
  hold(which: (tool: string) => boolean): () => void;
  /** The prompt cache that bills every request. */
  cache: PromptCache;
  /** Forgets requests, script, how far each script was served, and the cache. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * The tool a request asks for: the one tool_choice forces, else the one its last message names
 * ("call X"), since leanos lets the model choose among the same tools every time.
 */
function requestedTool(body: RecordedRequest["body"]): string {
  if (body.tool_choice?.type === "tool" && body.tool_choice.name) return body.tool_choice.name;
  if (!body.tools?.length) return "text";
  const last = body.messages[body.messages.length - 1];
  const named = /[Cc]all ([a-z]+_[a-z_]+)/.exec(JSON.stringify(last?.content ?? ""));
  return named?.[1] ?? body.tools[0]!.name;
}

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const cache = new PromptCache();
  const requests: RecordedRequest[] = [];
  const script = new Map<string, Reply[]>();
  const served = new Map<string, number>();
  let held: { which: (tool: string) => boolean; until: Promise<void> } | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () =>
      setTimeout(async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RecordedRequest["body"];
        const tool = requestedTool(body);
        let usage: CacheUsage;
        try {
          usage = cache.account(body as MessagesRequest);
        } catch (error) {
          response.statusCode = 400;
          response.end(
            JSON.stringify({
              type: "error",
              error: { type: "invalid_request_error", message: (error as Error).message },
            }),
          );
          return;
        }
        requests.push({ body, headers: request.headers, tool, usage });
        if (held && held.which(tool)) await held.until;
        const replies = script.get(tool) ?? [];
        const index = served.get(tool) ?? 0;
        served.set(tool, index + 1);
        const reply = replies[Math.min(index, replies.length - 1)];
        response.setHeader("content-type", "application/json");
        if (!reply) {
          response.statusCode = 400;
          response.end(
            JSON.stringify({
              type: "error",
              error: { type: "invalid_request_error", message: `no scripted reply for tool ${tool}` },
            }),
          );
          return;
        }
        if ("status" in reply) {
          response.statusCode = reply.status;
          response.end(JSON.stringify(reply.body));
          return;
        }
        const [name, input] =
          "toolFrom" in reply
            ? [tool, reply.toolFrom(requests[requests.length - 1]!)]
            : "otherTool" in reply
              ? [reply.otherTool, reply.input]
              : [tool, "tool" in reply ? reply.tool : undefined];
        response.end(
          JSON.stringify({
            id: `msg_${requests.length}`,
            type: "message",
            role: "assistant",
            model: body.model,
            content:
              "text" in reply
                ? [{ type: "text", text: reply.text }]
                : [{ type: "tool_use", id: `toolu_${requests.length}`, name, input }],
            stop_reason: "text" in reply ? "end_turn" : "tool_use",
            stop_sequence: null,
            usage: {
              input_tokens: usage.input_tokens,
              output_tokens: 320,
              cache_read_input_tokens: usage.cache_read_input_tokens,
              cache_creation_input_tokens: usage.cache_creation_input_tokens,
              cache_creation: {
                ephemeral_5m_input_tokens: usage.cache_creation_input_tokens - usage.cache_creation_1h_tokens,
                ephemeral_1h_input_tokens: usage.cache_creation_1h_tokens,
              },
            },
          }),
        );
      }, fake.delayMs),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeAnthropic = {
    url: `http://127.0.0.1:${port}`,
    delayMs: 0,
    hold: (which) => {
      let release = () => {};
      held = { which, until: new Promise<void>((resolve) => (release = resolve)) };
      return () => {
        held = undefined;
        release();
      };
    },
    requests,
    script,
    cache,
    reset: () => {
      cache.clear();
      requests.length = 0;
      script.clear();
      served.clear();
      fake.delayMs = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}

export const serverError = {
  status: 500,
  body: { type: "error", error: { type: "api_error", message: "Internal server error" } },
};

// Not from helpers.ts, which registers vitest hooks: bench/cache.ts runs this server outside vitest.
const repoRoot = resolve(import.meta.dirname, "..");

/** The example output a stage's SKILL.md gives, as a model would answer it. */
export async function stageExample(stage: string): Promise<Record<string, unknown>> {
  const text = await readFile(
    join(repoRoot, "skills", "causal-flow", "stages", `causal-flow-${stage}`, "SKILL.md"),
    "utf8",
  );
  return JSON.parse(/```json\n([\s\S]*?)```/.exec(text.slice(text.indexOf("## Example")))![1]!) as Record<
    string,
    unknown
  >;
}

/** A write_documents answer that finishes every document the request names with `text`. */
export const documentsReply = (text: string): Reply => ({
  toolFrom: (request) => ({
    documents: [...JSON.stringify(request.body.messages).matchAll(/## Document (\S+), as the template filled it/g)].map(
      (match) => ({ name: match[1], text }),
    ),
  }),
});

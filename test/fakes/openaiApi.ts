import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tokensOf } from "./promptCache.js";

// A local HTTP server that speaks enough of the OpenAI chat completions API (`POST
// /v1/chat/completions`) for the openai provider's tests: it answers with the reply scripted for the
// tool a request asks for. `toolSupport: false` plays a server that ignores tools and tool_choice
// and answers in text, as some local servers do.

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }>;
  tools?: Array<{ type: string; function: { name: string; parameters: unknown } }>;
  tool_choice?: unknown;
  response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
}

export interface RecordedChat {
  body: ChatRequest;
  headers: Record<string, string | string[] | undefined>;
  /** The tool the request asks for. */
  tool: string;
}

/** A tool call with these arguments, raw arguments text (malformed on purpose), a text answer, or an HTTP error. */
export type ChatReply =
  { args: unknown } | { rawArguments: string } | { content: string } | { status: number; body: unknown };

export interface FakeOpenAI {
  url: string;
  requests: RecordedChat[];
  script: Map<string, ChatReply[]>;
  /** False: tools and tool_choice are ignored, and every answer is text (the scripted args as JSON). */
  toolSupport: boolean;
  reset(): void;
  close(): Promise<void>;
}

function requestedTool(body: ChatRequest): string {
  if (body.response_format?.json_schema?.name) return body.response_format.json_schema.name;
  const last = body.messages[body.messages.length - 1];
  return /[Cc]all ([a-z]+_[a-z_]+)/.exec(JSON.stringify(last?.content ?? ""))?.[1] ?? "text";
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedChat[] = [];
  const script = new Map<string, ChatReply[]>();
  const served = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      response.setHeader("content-type", "application/json");
      if (request.url !== "/v1/chat/completions") {
        response.statusCode = 404;
        response.end(JSON.stringify({ error: { message: `no route ${request.url}` } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest;
      const tool = requestedTool(body);
      requests.push({ body, headers: request.headers, tool });
      const replies = script.get(tool) ?? [];
      const index = served.get(tool) ?? 0;
      served.set(tool, index + 1);
      const reply = replies[Math.min(index, replies.length - 1)];
      if (!reply || "status" in reply) {
        response.statusCode = reply ? reply.status : 400;
        response.end(JSON.stringify(reply ? reply.body : { error: { message: `no scripted reply for ${tool}` } }));
        return;
      }
      const asText = "content" in reply || !fake.toolSupport || !body.tools?.length;
      const content =
        "content" in reply ? reply.content : JSON.stringify("args" in reply ? reply.args : reply.rawArguments);
      const message = asText
        ? { role: "assistant", content }
        : {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: `call_${requests.length}`,
                type: "function",
                function: { name: tool, arguments: "args" in reply ? JSON.stringify(reply.args) : reply.rawArguments },
              },
            ],
          };
      const prompt = tokensOf(body.messages) + tokensOf(body.tools ?? []);
      response.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message, finish_reason: asText ? "stop" : "tool_calls" }],
          usage: {
            prompt_tokens: prompt,
            completion_tokens: 200,
            total_tokens: prompt + 200,
            prompt_tokens_details: { cached_tokens: 0 },
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeOpenAI = {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script,
    toolSupport: true,
    reset: () => {
      requests.length = 0;
      script.clear();
      served.clear();
      fake.toolSupport = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}

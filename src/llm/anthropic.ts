import { ChatAnthropic } from "@langchain/anthropic";
import { HumanMessage, SystemMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import { z, type ZodType } from "zod";
import type { Canvas } from "../canvas/canvas.js";
import { RuntimeFailure } from "../errors.js";
import type { RawEvent } from "../stages/context.js";
import { stageOutputSchemas, ThreadType } from "../stages/schemas.js";
import { companyName, render } from "./prompt.js";
import { ModelIntent } from "../approvals/intent.js";
import type { ArtifactRequest, Classification, DraftRequest, IntentRequest, ModelUsage, StageDrafter } from "./provider.js";

export interface AnthropicOptions {
  model: string;
  apiKey: string;
  /** Base URL of the Messages API; tests point it at a local server. */
  apiUrl?: string;
  maxRetries?: number;
  timeoutMs?: number;
}

const Classified = z.object({ type: ThreadType, title: z.string().min(3).max(120) });

/** Stages drafted by Claude through LangChain's ChatAnthropic, answered through a forced tool call. */
export class AnthropicDrafter implements StageDrafter {
  readonly provider = "anthropic";
  readonly model: string;
  private readonly chat: ChatAnthropic;

  constructor(options: AnthropicOptions) {
    this.model = options.model;
    this.chat = new ChatAnthropic({
      model: options.model,
      apiKey: options.apiKey,
      ...(options.apiUrl ? { anthropicApiUrl: options.apiUrl } : {}),
      maxRetries: options.maxRetries ?? 3,
      maxTokens: 4096,
      temperature: 0,
      ...(options.timeoutMs ? { clientOptions: { timeout: options.timeoutMs } } : {}),
    });
  }

  async classify(event: RawEvent, canvas: Canvas): Promise<Classification> {
    const prompt = render("classify", { company: companyName(canvas), text: event.text });
    const { args } = await this.callTool("classify_event", Classified, [new HumanMessage(prompt)]);
    const parsed = Classified.safeParse(args);
    if (!parsed.success) throw new RuntimeFailure(`the model's classification of the event is invalid: ${parsed.error.message}`);
    return parsed.data;
  }

  async draft(request: DraftRequest): Promise<{ output: unknown; usage: ModelUsage }> {
    // The preamble and canvas are the same for every stage of a thread: mark them for prompt caching.
    const system = new SystemMessage({
      content: [{ type: "text", text: request.messages.system, cache_control: { type: "ephemeral" } }],
    });
    const messages: BaseMessage[] = [system, new HumanMessage(request.messages.user)];
    if (request.repair) {
      messages.push(
        new HumanMessage(
          render("repair", {
            stage: request.context.skill.stage.stage,
            problems: request.repair.problems,
            previous: JSON.stringify(request.repair.previous, null, 2),
          }),
        ),
      );
    }
    const { args, usage } = await this.callTool(`${request.schemaName}_stage_output`, stageOutputSchemas[request.schemaName], messages);
    return { output: args, usage };
  }

  async readIntent(request: IntentRequest): Promise<ModelIntent> {
    const { args } = await this.callTool("read_reply", ModelIntent, [new HumanMessage(render("chat-intent", request))]);
    const parsed = ModelIntent.safeParse(args);
    // An answer that does not parse is no reading at all: the session asks back.
    return parsed.success ? parsed.data : { intent: "unclear", certain: false };
  }

  async writeArtifact(request: ArtifactRequest): Promise<{ text: string; usage: ModelUsage }> {
    const started = Date.now();
    let reply: AIMessage;
    try {
      reply = (await this.chat.invoke([new HumanMessage(render("artifact", request))])) as AIMessage;
    } catch (error) {
      throw new RuntimeFailure(`the anthropic model call for ${request.name} failed: ${(error as Error).message}`, { cause: error });
    }
    const text = typeof reply.content === "string" ? reply.content : reply.content.map((part) => ("text" in part && typeof part.text === "string" ? part.text : "")).join("");
    if (text.trim().length === 0) throw new RuntimeFailure(`the anthropic model wrote an empty ${request.name}`);
    return {
      text: text.endsWith("\n") ? text : `${text}\n`,
      usage: {
        input_tokens: reply.usage_metadata?.input_tokens ?? 0,
        output_tokens: reply.usage_metadata?.output_tokens ?? 0,
        cache_read_tokens: reply.usage_metadata?.input_token_details?.cache_read ?? 0,
        latency_ms: Date.now() - started,
      },
    };
  }

  private async callTool(name: string, schema: ZodType, messages: BaseMessage[]): Promise<{ args: unknown; usage: ModelUsage }> {
    const started = Date.now();
    const structured = this.chat.withStructuredOutput(schema, { name, method: "functionCalling", includeRaw: true });
    let result: { raw: BaseMessage };
    try {
      result = (await structured.invoke(messages)) as { raw: BaseMessage };
    } catch (error) {
      throw new RuntimeFailure(`the anthropic model call failed: ${(error as Error).message}`, { cause: error });
    }
    const raw = result.raw as AIMessage;
    const call = raw.tool_calls?.find((toolCall) => toolCall.name === name) ?? raw.tool_calls?.[0];
    if (!call) throw new RuntimeFailure(`the anthropic model answered without calling the ${name} tool`);
    const details = raw.usage_metadata?.input_token_details;
    return {
      args: call.args,
      usage: {
        input_tokens: raw.usage_metadata?.input_tokens ?? 0,
        output_tokens: raw.usage_metadata?.output_tokens ?? 0,
        cache_read_tokens: details?.cache_read ?? 0,
        latency_ms: Date.now() - started,
      },
    };
  }
}

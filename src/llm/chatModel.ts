import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { ZodType } from "zod";
import { ModelIntent } from "../core/intent.js";
import { RuntimeFailure, describeZodIssues } from "../errors.js";
import type { RawEvent } from "../stages/context.js";
import { classifyRequest, documentsRequest, stageRequest, type ModelRequest, type TextBlock } from "./layout.js";
import { type DocumentsToWrite, type PromptBasis } from "../stages/drafter.js";
import { render } from "./prompt.js";
import type { Ttl } from "./cachePlan.js";
import type {
  PrefixUse,
  Classification,
  DraftRequest,
  IntentRequest,
  ModelUsage,
  RuleRequest,
  StageDrafter,
} from "../stages/drafter.js";
import { candidateOf, ruleAnswerIn, ruleRequestView } from "./ruleAnswer.js";
import { classifiedIn, flowToolDefinitions, toolSchema, WrittenDocuments } from "./tools.js";
import { callFailure, type Endpoint } from "./callFailure.js";
import { PromptCacheMarks, type PromptCacheOptions } from "./cacheMarks.js";

// Any LangChain chat model (made by initChatModel, see select.ts) as a drafter. Every request is laid
// out for the prompt cache (layout.ts) and answered by calling the tool it names: the same tools are
// bound to every call, and the model must call one of them ("any"), since a request that forces a
// different tool each time would lose the cached messages. A server that ignores tool_choice can be
// asked for JSON that matches the schema instead (output: json_schema).

export type OutputMethod = "tool_call" | "json_schema";

export interface ChatModelOptions {
  /** The provider as leanos names it (anthropic, openai): recorded with every call and priced by it. */
  provider: string;
  model: string;
  chat: BaseChatModel;
  /** The server the calls go to, named in every failure. */
  endpoint?: Endpoint;
  /** Anthropic's cache needs breakpoints marked on blocks (cacheMarks.ts); OpenAI-compatible servers cache prefixes by themselves. */
  promptCache?: PromptCacheOptions | undefined;
  output?: OutputMethod;
}

interface Answer {
  args: unknown;
  /** Why the answer is not one (another tool called, no JSON): sent back to the model like a validation problem. */
  problem?: string;
  usage: ModelUsage;
}

export class ChatModelDrafter implements StageDrafter {
  readonly provider: string;
  readonly model: string;
  private readonly chat: BaseChatModel;
  private readonly breakpoints: PromptCacheMarks | undefined;
  private readonly output: OutputMethod;
  private readonly endpoint: Endpoint | undefined;

  constructor(options: ChatModelOptions) {
    this.endpoint = options.endpoint;
    this.provider = options.provider;
    this.model = options.model;
    this.chat = options.chat;
    this.breakpoints = options.promptCache
      ? new PromptCacheMarks(
          options.promptCache,
          (request) => `${options.provider}:${options.model}:${this.output}:${request.threadTypes.names.join(",")}`,
        )
      : undefined;
    this.output = options.output ?? "tool_call";
  }

  async classify(event: RawEvent, basis: PromptBasis): Promise<Classification & { usage: ModelUsage }> {
    const request = classifyRequest(event, basis);
    const answer = await this.ask(request);
    const parsed = classifiedIn(request.threadTypes).safeParse(answer.args);
    if (!parsed.success)
      throw new RuntimeFailure(
        `the ${this.provider} model's classification of the event is invalid: ${answer.problem ?? describeZodIssues(parsed.error.issues)}`,
      );
    return { ...parsed.data, usage: answer.usage };
  }

  async draft(request: DraftRequest): Promise<{ output: unknown; problem?: string; usage: ModelUsage }> {
    const answer = await this.ask(stageRequest(request.context, request.following), request.repair);
    return { output: answer.args, ...(answer.problem ? { problem: answer.problem } : {}), usage: answer.usage };
  }

  async writeDocuments(request: DocumentsToWrite): Promise<{ texts: Map<string, string>; usage: ModelUsage[] }> {
    const layout = documentsRequest(request);
    const wanted = request.documents.map((document) => document.name);
    let repair: DraftRequest["repair"];
    const usage: ModelUsage[] = [];
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const answer = await this.ask(layout, repair);
      usage.push(answer.usage);
      const parsed = WrittenDocuments.safeParse(answer.args);
      const texts = new Map(
        parsed.success ? parsed.data.documents.map((document): [string, string] => [document.name, document.text]) : [],
      );
      const missing = wanted.filter((name) => !texts.get(name)?.trim());
      if (parsed.success && missing.length === 0) return { texts, usage };
      repair = {
        previous: answer.args,
        problems:
          answer.problem ??
          (parsed.success ? `no text for ${missing.join(", ")}` : describeZodIssues(parsed.error.issues)),
      };
    }
    throw new RuntimeFailure(
      `the ${this.provider} model did not write the documents of action ${request.action.id} (${repair?.problems})`,
    );
  }

  async readIntent(request: IntentRequest): Promise<ModelIntent> {
    // A chat line is a short call of its own, outside the flow's cached prefix.
    const structured = this.chat.withStructuredOutput(ModelIntent, {
      name: "read_reply",
      method: this.output === "json_schema" ? "jsonSchema" : "functionCalling",
    });
    try {
      const parsed = ModelIntent.safeParse(await structured.invoke([new HumanMessage(render("chat-intent", request))]));
      // An answer that does not parse is no reading at all: the session asks back.
      return parsed.success ? parsed.data : { intent: "unclear", certain: false };
    } catch (error) {
      throw this.failure(error);
    }
  }

  async proposeRule(request: RuleRequest): Promise<{ candidate: unknown; usage: ModelUsage }> {
    // Like a chat line, a short call of its own after a correction, outside the flow's cached prefix.
    const structured = this.chat.withStructuredOutput(ruleAnswerIn(request.threadTypes), {
      name: "propose_rule",
      method: this.output === "json_schema" ? "jsonSchema" : "functionCalling",
      includeRaw: true,
    });
    const started = Date.now();
    try {
      const result = await structured.invoke([new HumanMessage(render("propose-rule", ruleRequestView(request)))]);
      return {
        candidate: candidateOf(result.parsed, request.threadTypes),
        usage: usageOf(result.raw as AIMessage, started),
      };
    } catch (error) {
      throw this.failure(error);
    }
  }

  private async messages(request: ModelRequest): Promise<{ messages: BaseMessage[]; cached: PrefixUse[] }> {
    if (!this.breakpoints) {
      // One string each: servers of the OpenAI API differ in what content arrays they accept, and
      // their own prefix caching needs nothing marked.
      return {
        messages: [
          new SystemMessage(request.system.map((block) => block.text).join("\n\n")),
          new HumanMessage(request.user.map((block) => block.text).join("\n\n")),
        ],
        cached: [],
      };
    }
    const marked = await this.breakpoints.mark(request);
    const content = (blocks: TextBlock[], ttls: ReadonlyArray<Ttl | undefined>) =>
      blocks.map((block, index) => {
        const ttl = ttls[index];
        return {
          type: "text" as const,
          text: block.text,
          ...(ttl ? { cache_control: { type: "ephemeral", ...(ttl === "1h" ? { ttl } : {}) } } : {}),
        };
      });
    return {
      messages: [
        new SystemMessage({ content: content(request.system, marked.system) }),
        new HumanMessage({ content: content(request.user, marked.user) }),
      ],
      cached: marked.uses,
    };
  }

  /** One call: the request, and when repairing, the previous answer and its problems after it. */
  private async ask(request: ModelRequest, repair?: DraftRequest["repair"]): Promise<Answer> {
    const { messages, cached } = await this.messages(request);
    const answer = await this.answer(request, messages, repair);
    if (cached.length === 0) return answer;
    await this.breakpoints!.sent(cached);
    return { ...answer, usage: { ...answer.usage, cached } };
  }

  private async answer(
    request: ModelRequest,
    messages: BaseMessage[],
    repair?: DraftRequest["repair"],
  ): Promise<Answer> {
    const problems = repair ? render("repair", { problems: repair.problems, tool: request.tool }) : undefined;
    const started = Date.now();
    if (this.output === "json_schema") {
      if (repair) messages.push(new AIMessage(JSON.stringify(repair.previous)), new HumanMessage(problems!));
      return this.askForJson(request, messages, started);
    }
    if (repair) {
      const id = "previous_answer";
      messages.push(
        new AIMessage({
          content: "",
          tool_calls: [
            { id, name: request.tool, args: (repair.previous ?? {}) as Record<string, unknown>, type: "tool_call" },
          ],
        }),
      );
      messages.push(new ToolMessage({ tool_call_id: id, content: problems! }));
    }
    let reply: AIMessage;
    try {
      reply = (await this.chat.bindTools!(flowToolDefinitions(request.threadTypes), { tool_choice: "any" }).invoke(
        messages,
      )) as AIMessage;
    } catch (error) {
      throw this.failure(error);
    }
    const usage = usageOf(reply, started);
    const call = reply.tool_calls?.find((toolCall) => toolCall.name === request.tool);
    if (call) return { args: call.args, usage };
    const broken = reply.invalid_tool_calls?.find((invalid) => invalid.name === request.tool);
    if (broken)
      return {
        args: broken.args,
        usage,
        problem: `the arguments you gave ${request.tool} are not a JSON object (${broken.error ?? "they do not parse"})`,
      };
    const other = reply.tool_calls?.[0]?.name;
    return {
      args: undefined,
      usage,
      problem: other
        ? `you called ${other}; this request asks for ${request.tool}`
        : `you answered without calling ${request.tool}`,
    };
  }

  private async askForJson(request: ModelRequest, messages: BaseMessage[], started: number): Promise<Answer> {
    const schema = toolSchema(request.tool, request.threadTypes) as ZodType;
    const structured = this.chat.withStructuredOutput(schema, {
      name: request.tool,
      method: "jsonSchema",
      includeRaw: true,
    });
    let result: { raw: BaseMessage; parsed: unknown };
    try {
      result = (await structured.invoke(messages)) as { raw: BaseMessage; parsed: unknown };
    } catch (error) {
      throw this.failure(error);
    }
    const usage = usageOf(result.raw as AIMessage, started);
    if (result.parsed !== null && result.parsed !== undefined) return { args: result.parsed, usage };
    return { args: undefined, usage, problem: "your answer was not a JSON object of the schema" };
  }

  private failure(error: unknown): RuntimeFailure {
    return callFailure(this.provider, this.endpoint, error);
  }
}

function usageOf(reply: AIMessage, started: number): ModelUsage {
  const details = reply.usage_metadata?.input_token_details;
  // Anthropic splits its cache writes by TTL in the raw usage, which LangChain passes on as it is.
  const hour = (
    reply.response_metadata as { usage?: { cache_creation?: { ephemeral_1h_input_tokens?: number } } } | undefined
  )?.usage?.cache_creation?.ephemeral_1h_input_tokens;
  return {
    ...(hour ? { cache_write_1h_tokens: hour } : {}),
    input_tokens: reply.usage_metadata?.input_tokens ?? 0,
    output_tokens: reply.usage_metadata?.output_tokens ?? 0,
    cache_read_tokens: details?.cache_read ?? 0,
    cache_write_tokens: details?.cache_creation ?? 0,
    latency_ms: Date.now() - started,
  };
}

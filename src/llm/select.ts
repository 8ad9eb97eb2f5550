import { UsageError } from "../errors.js";
import type { OutputMethod } from "./chatModel.js";
import type { PromptCacheOptions } from "./cacheMarks.js";
import type { StageDrafter } from "../stages/drafter.js";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";

// Which drafter a run uses: `offline` (rules, no network), or any LangChain chat model named
// `provider:model` and made by langchain's initChatModel: `anthropic:MODEL`, or `openai:MODEL` for
// OpenAI's API and every server that speaks it (Ollama, vLLM, llama.cpp, LM Studio, OpenRouter).

export const PROVIDERS = ["offline", "anthropic", "openai"] as const;
export const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-5";

export interface ProviderChoice {
  /** `offline`, `anthropic`, `openai`, or a `provider:model` string. */
  provider?: string;
  model?: string;
  /** How answers come back: a tool call (the default) or JSON matching the schema, for servers that ignore tool_choice. */
  output?: OutputMethod;
  /** Where Anthropic's cache keeps prefixes (config.ts CacheSetting, `auto` by default), with the audit log it plans from. */
  promptCache?: Partial<PromptCacheOptions>;
  env?: NodeJS.ProcessEnv;
}

/** `provider:model` or a separate provider and model, as one pair. */
export function parseProvider(choice: Pick<ProviderChoice, "provider" | "model">): {
  provider: string | undefined;
  model: string | undefined;
} {
  let { provider, model } = choice;
  if (provider?.includes(":"))
    [provider, model] = [provider.slice(0, provider.indexOf(":")), model ?? provider.slice(provider.indexOf(":") + 1)];
  if (!provider && model?.includes(":"))
    [provider, model] = [model.slice(0, model.indexOf(":")), model.slice(model.indexOf(":") + 1)];
  return { provider, model };
}

/**
 * Picks the drafter: an explicit provider (flag or workspace config) wins; otherwise anthropic when
 * ANTHROPIC_API_KEY is set, and the offline drafter when it is not.
 */
export async function selectDrafter(choice: ProviderChoice): Promise<StageDrafter> {
  const env = choice.env ?? process.env;
  const parsed = parseProvider(choice);
  const provider = parsed.provider ?? (env.ANTHROPIC_API_KEY ? "anthropic" : "offline");
  const output = choice.output ?? "tool_call";
  switch (provider) {
    case "offline": {
      // Loaded on demand too: its text tools (compromise, chrono) take half a second to load,
      // which commands that draft nothing (pending, status, a pass with nothing due) never pay.
      const { OfflineDrafter } = await import("./offline/drafter.js");
      return new OfflineDrafter();
    }
    case "anthropic": {
      const apiKey = env.ANTHROPIC_API_KEY;
      if (!apiKey) throw new UsageError("--provider anthropic needs ANTHROPIC_API_KEY in the environment");
      const apiUrl = env.LEANOS_ANTHROPIC_URL || env.ANTHROPIC_BASE_URL;
      const model = parsed.model ?? DEFAULT_ANTHROPIC_MODEL;
      const promptCache = { ...choice.promptCache, setting: choice.promptCache?.setting ?? "auto" };
      // The hour-long cache is a beta feature of the API, asked for by its header.
      const betas =
        promptCache.setting === "auto" || promptCache.setting === "1h"
          ? { betas: ["extended-cache-ttl-2025-04-11"] }
          : {};
      const chat = await chatModel(`anthropic:${model}`, {
        apiKey,
        ...(apiUrl ? { anthropicApiUrl: apiUrl } : {}),
        maxTokens: 8192,
        ...betas,
      });
      const { ChatModelDrafter } = await import("./chatModel.js");
      const endpoint = {
        url: apiUrl ?? "https://api.anthropic.com",
        setting: "LEANOS_ANTHROPIC_URL (or ANTHROPIC_BASE_URL)",
      };
      return new ChatModelDrafter({ provider, model, chat, endpoint, promptCache, output });
    }
    case "openai": {
      if (!parsed.model)
        throw new UsageError(
          '--provider openai needs a model: "openai:MODEL", for example openai:qwen2.5:7b on Ollama',
        );
      const baseURL = env.LEANOS_OPENAI_URL || env.OPENAI_BASE_URL;
      const apiKey = env.OPENAI_API_KEY || (baseURL ? "local" : undefined);
      if (!apiKey)
        throw new UsageError(
          "--provider openai needs OPENAI_API_KEY, or OPENAI_BASE_URL (LEANOS_OPENAI_URL) naming a server of the OpenAI API that needs no key",
        );
      const chat = await chatModel(`openai:${parsed.model}`, {
        apiKey,
        ...(baseURL ? { configuration: { baseURL } } : {}),
        maxTokens: 8192,
      });
      const { ChatModelDrafter } = await import("./chatModel.js");
      const endpoint = {
        url: baseURL ?? "https://api.openai.com/v1",
        setting: "OPENAI_BASE_URL (or LEANOS_OPENAI_URL)",
      };
      return new ChatModelDrafter({ provider, model: parsed.model, chat, endpoint, output });
    }
    default:
      throw new UsageError(
        `unknown provider "${provider}" (known: ${PROVIDERS.join(", ")}; give one as PROVIDER:MODEL, e.g. openai:llama3.1)`,
      );
  }
}

/**
 * A chat model by `provider:model` through initChatModel, the same settings for every provider. A call
 * is tried again (three times, with backoff) when that may help: a rate limit, a server error, a
 * time-out, a dropped connection, as LangChain judges them. A server that cannot be reached at all
 * (refused, unknown host) fails at once: waiting a few seconds changes nothing, and the person at the
 * keyboard should hear it now rather than after 12 silent seconds.
 */
async function chatModel(name: string, fields: Record<string, unknown>) {
  // Loaded on demand: the model packages are not needed for offline work.
  const [{ initChatModel }, { AsyncCaller }, { unreachable }] = await Promise.all([
    import("langchain/chat_models/universal"),
    import("@langchain/core/utils/async_caller"),
    import("./callFailure.js"),
  ]);
  // LangChain's own rule for what is worth another try (it gives up at once on a 400, 401, 404...),
  // which a caller made without one of its own keeps.
  const retryable = new (class extends AsyncCaller {
    readonly rule = this.onFailedAttempt;
  })({}).rule;
  const onFailedAttempt = (error: unknown): unknown => {
    if (unreachable(error)) throw error;
    return retryable?.(error);
  };
  const model = await initChatModel(name, { temperature: 0, maxRetries: 3, onFailedAttempt, ...fields });
  return model as unknown as BaseChatModel;
}

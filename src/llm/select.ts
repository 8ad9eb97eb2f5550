import { UsageError } from "../errors.js";
import type { StageDrafter } from "./provider.js";

export const PROVIDERS = ["offline", "anthropic"] as const;
export const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-5";

export interface ProviderChoice {
  /** `offline`, `anthropic`, or a `provider:model` string. */
  provider?: string;
  model?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Picks the drafter: an explicit provider (flag or workspace config) wins; otherwise anthropic when
 * ANTHROPIC_API_KEY is set, and the offline drafter when it is not.
 */
export async function selectDrafter(choice: ProviderChoice): Promise<StageDrafter> {
  const env = choice.env ?? process.env;
  let provider = choice.provider;
  let model = choice.model;
  if (provider?.includes(":")) [provider, model] = [provider.slice(0, provider.indexOf(":")), model ?? provider.slice(provider.indexOf(":") + 1)];
  if (!provider && model?.includes(":")) [provider, model] = [model.slice(0, model.indexOf(":")), model.slice(model.indexOf(":") + 1)];
  provider ??= env.ANTHROPIC_API_KEY ? "anthropic" : "offline";
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
      const apiUrl = env.LEANOS_ANTHROPIC_URL ?? env.ANTHROPIC_BASE_URL;
      // Loaded on demand: the Anthropic SDK is not needed for offline work.
      const { AnthropicDrafter } = await import("./anthropic.js");
      return new AnthropicDrafter({ model: model ?? DEFAULT_ANTHROPIC_MODEL, apiKey, ...(apiUrl ? { apiUrl } : {}) });
    }
    default:
      throw new UsageError(`unknown provider "${provider}" (known: ${PROVIDERS.join(", ")})`);
  }
}

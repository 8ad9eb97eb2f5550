import prices from "./model-prices.json" with { type: "json" };
import type { ModelUsage } from "../stages/drafter.js";

type Price = { input: number; output: number; cache_read: number; cache_write: number; cache_write_1h: number };
const table = prices as unknown as Record<string, Price>;

type Tokens = Pick<
  ModelUsage,
  "input_tokens" | "output_tokens" | "cache_read_tokens" | "cache_write_tokens" | "cache_write_1h_tokens"
>;

const usd = (perMillion: number): number => Math.round(perMillion) / 1_000_000;

/**
 * The cost of one call in USD. input_tokens include the cache reads and writes, each billed at its
 * own rate (writes kept for an hour at theirs); the rest at the input rate. A model with no price (a
 * local one) costs 0.
 */
export function callCost(provider: string, model: string, usage: Tokens): number {
  const price = table[`${provider}:${model}`];
  if (!price) return 0;
  const fresh = Math.max(0, usage.input_tokens - usage.cache_read_tokens - usage.cache_write_tokens);
  const hour = Math.min(usage.cache_write_1h_tokens ?? 0, usage.cache_write_tokens);
  const writes = (usage.cache_write_tokens - hour) * price.cache_write + hour * price.cache_write_1h;
  return usd(
    fresh * price.input + usage.cache_read_tokens * price.cache_read + writes + usage.output_tokens * price.output,
  );
}

/** What the same call would have cost with no prompt cache: every input token at the input rate. */
export function uncachedCost(provider: string, model: string, usage: Tokens): number {
  const price = table[`${provider}:${model}`];
  if (!price) return 0;
  return usd(usage.input_tokens * price.input + usage.output_tokens * price.output);
}

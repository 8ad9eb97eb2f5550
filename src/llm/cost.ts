import prices from "./model-prices.json" with { type: "json" };
import type { ModelUsage } from "./provider.js";

type Price = { input: number; output: number; cache_read: number };
const table = prices as unknown as Record<string, Price>;

/** The cost of one call in USD. input_tokens include the cache reads, which are billed at the cache rate. */
export function callCost(provider: string, model: string, usage: ModelUsage): number {
  const price = table[`${provider}:${model}`];
  if (!price) return 0;
  const fresh = Math.max(0, usage.input_tokens - usage.cache_read_tokens);
  const cost = (fresh * price.input + usage.cache_read_tokens * price.cache_read + usage.output_tokens * price.output) / 1_000_000;
  return Math.round(cost * 1_000_000) / 1_000_000;
}

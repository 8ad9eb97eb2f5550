import { describe, expect, it } from "vitest";
import { callCost, uncachedCost } from "../src/llm/cost.js";
import { formatUsage, summariseUsage } from "../src/ops/usage.js";
import { billedInput, MIN_CACHEABLE_TOKENS, PromptCache, type MessagesRequest } from "./fakes/promptCache.js";

// The billing model behind the local Messages API server and bench/cache.ts, and leanos's own prices.

const text = (tokens: number, mark?: "5m" | "1h") => ({
  type: "text",
  text: "x".repeat(tokens * 4),
  ...(mark ? { cache_control: { type: "ephemeral", ...(mark === "1h" ? { ttl: "1h" } : {}) } } : {}),
});
const request = (history: number[], options: { toolChoice?: unknown; ttl?: "5m" | "1h" } = {}): MessagesRequest => ({
  tools: [{ name: "t", input_schema: {} }],
  tool_choice: options.toolChoice ?? { type: "any" },
  system: [text(2000, options.ttl ?? "5m")],
  messages: [
    {
      role: "user",
      content: [
        ...history.map((tokens, index) =>
          text(tokens, index === history.length - 1 ? (options.ttl ?? "5m") : undefined),
        ),
        { type: "text", text: "ask" },
      ],
    },
  ],
});

describe("the prompt cache as the local server bills it", () => {
  it("writes up to the last breakpoint on a cold call, and the next call of the same thread reads it all back", () => {
    const cache = new PromptCache();
    const first = cache.account(request([500]));
    expect(first.cache_read_input_tokens).toBe(0);
    expect(first.cache_creation_input_tokens).toBeGreaterThan(2500);
    const second = cache.account(request([500, 300]));
    expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    expect(second.cache_creation_input_tokens).toBe(300);
    expect(second.input_tokens).toBe(1);
    expect(billedInput(second)).toBeCloseTo(0.1 * second.cache_read_input_tokens + 1.25 * 300 + 1, 6);
  });

  it("reads nothing of the messages when tool_choice changes, but keeps tools and system", () => {
    const cache = new PromptCache();
    const first = cache.account(request([500]));
    const other = cache.account(request([500], { toolChoice: { type: "tool", name: "t" } }));
    expect(other.cache_read_input_tokens).toBeGreaterThan(2000);
    expect(other.cache_read_input_tokens).toBeLessThan(first.cache_creation_input_tokens);
  });

  it("forgets an entry after its TTL unless a read renewed it; an hour's entry outlives ten minutes", () => {
    const cache = new PromptCache();
    cache.account(request([500]));
    cache.advance(4 * 60_000);
    expect(cache.account(request([500])).cache_read_input_tokens).toBeGreaterThan(0);
    cache.advance(4 * 60_000);
    expect(cache.account(request([500])).cache_read_input_tokens).toBeGreaterThan(0);
    cache.advance(6 * 60_000);
    expect(cache.account(request([500])).cache_read_input_tokens).toBe(0);
    const hourly = new PromptCache();
    const written = hourly.account(request([500], { ttl: "1h" }));
    expect(written.cache_creation_1h_tokens).toBe(written.cache_creation_input_tokens);
    hourly.advance(10 * 60_000);
    expect(hourly.account(request([500], { ttl: "1h" })).cache_read_input_tokens).toBe(
      written.cache_creation_input_tokens,
    );
  });

  it("caches no prefix shorter than the minimum, and refuses more than four breakpoints", () => {
    const cache = new PromptCache();
    const small: MessagesRequest = { messages: [{ role: "user", content: [text(MIN_CACHEABLE_TOKENS - 10, "5m")] }] };
    expect(cache.account(small).cache_creation_input_tokens).toBe(0);
    const many: MessagesRequest = { messages: [{ role: "user", content: [1, 2, 3, 4, 5].map(() => text(300, "5m")) }] };
    expect(() => cache.account(many)).toThrow(/A maximum of 4 blocks with cache_control/);
  });
});

describe("what leanos charges for a call", () => {
  const usage = { input_tokens: 1_000_000, output_tokens: 0, cache_read_tokens: 600_000, cache_write_tokens: 300_000 };

  it("bills reads at 0.1x, 5-minute writes at 1.25x and hour-long writes at 2x the input price", () => {
    // claude-sonnet-4-5: $3 input; 100k fresh + 600k read + 300k written.
    expect(callCost("anthropic", "claude-sonnet-4-5", usage)).toBeCloseTo(0.3 + 0.18 + 1.125, 6);
    expect(callCost("anthropic", "claude-sonnet-4-5", { ...usage, cache_write_1h_tokens: 300_000 })).toBeCloseTo(
      0.3 + 0.18 + 1.8,
      6,
    );
    expect(uncachedCost("anthropic", "claude-sonnet-4-5", usage)).toBeCloseTo(3, 6);
  });

  it("charges nothing for a model it has no price for, such as a local one", () => {
    expect(callCost("openai", "qwen2.5:7b", usage)).toBe(0);
    expect(uncachedCost("openai", "qwen2.5:7b", usage)).toBe(0);
  });

  it("says per thread what the cache saved, and what it cost where a write was never read", () => {
    const call = (
      thread: string,
      tokens: { cache_read_tokens?: number; cache_write_tokens?: number; cache_write_1h_tokens?: number },
    ) => {
      const values = { ...usage, cache_read_tokens: 0, cache_write_tokens: 0, latency_ms: 900, ...tokens };
      return {
        kind: "model-call" as const,
        at: "2026-12-07T12:00:00Z",
        thread,
        stage: "input",
        provider: "anthropic",
        model: "claude-sonnet-4-5",
        ...values,
        cost_usd: callCost("anthropic", "claude-sonnet-4-5", values),
      };
    };
    const summary = summariseUsage([
      // Read back: most of the input at 0.1x.
      call("sales/read", { cache_read_tokens: 900_000 }),
      // Written for an hour and never read: 2x on what it wrote.
      call("sales/lone", { cache_write_tokens: 900_000, cache_write_1h_tokens: 900_000 }),
    ]);
    const [lone, read] = [...summary.by_thread].sort((a, b) => a.saved_usd - b.saved_usd);
    expect(lone).toMatchObject({ key: "sales/lone", saved_usd: -2.7 });
    expect(read!.key).toBe("sales/read");
    expect(read!.saved_usd).toBeCloseTo(2.43, 6);
    const table = formatUsage(summary);
    expect(table).toMatch(/sales\/lone\s.*-\$2\.7000/);
    expect(table).toMatch(/sales\/read\s.*\$2\.4300/);
  });
});

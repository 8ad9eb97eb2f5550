import { createHash } from "node:crypto";

// Token accounting of a Messages API request as the API's prompt cache bills it, for the local
// server of the tests and of bench/cache.ts. What it models (from the API's documentation):
// - the prefix runs tools, then system, then messages; a block with cache_control ends a prefix
//   that may be cached (at most 4 such breakpoints);
// - a change to tool_choice keeps tools and system cached but not the messages;
// - at each breakpoint the cache is looked up there and up to 20 blocks before it; the longest hit
//   is read, and every breakpoint after it whose prefix reaches the minimum is written;
// - an entry lives for its TTL (5 minutes, or 1 hour) from its last write or read.
// Tokens are estimated at 4 characters each, the same way for every layout compared.

export const MIN_CACHEABLE_TOKENS = 1024;
const LOOKBACK_BLOCKS = 20;
const TTL_MS = { "5m": 5 * 60_000, "1h": 60 * 60_000 } as const;

export interface MessagesRequest {
  tools?: Array<Record<string, unknown>>;
  tool_choice?: unknown;
  system?: string | Array<Record<string, unknown>>;
  messages: Array<{ role: string; content: string | Array<Record<string, unknown>> }>;
}

export interface CacheUsage {
  /** Input tokens billed at the full rate: after the last cached prefix. */
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** Of the writes, those with the 1-hour TTL (billed at 2x instead of 1.25x). */
  cache_creation_1h_tokens: number;
}

interface Block {
  tokens: number;
  /** The hash of the prefix up to and including this block. */
  prefix: string;
  breakpoint?: { ttl: keyof typeof TTL_MS };
}

export const tokensOf = (value: unknown): number =>
  Math.ceil((typeof value === "string" ? value : JSON.stringify(value)).length / 4);

function withoutMark(block: Record<string, unknown>): Record<string, unknown> {
  const { cache_control: _mark, ...rest } = block;
  return rest;
}

const markOf = (block: Record<string, unknown>): Block["breakpoint"] => {
  const mark = block.cache_control as { type?: string; ttl?: string } | undefined;
  if (!mark) return undefined;
  return { ttl: mark.ttl === "1h" ? "1h" : "5m" };
};

/** The request as the cache sees it: blocks in prefix order, each with the hash of the prefix it ends. */
export function blocksOf(request: MessagesRequest): Block[] {
  const blocks: Block[] = [];
  let hash = createHash("sha256").update("prefix").digest("hex");
  const add = (content: unknown, tokens: number, breakpoint: Block["breakpoint"]) => {
    hash = createHash("sha256").update(hash).update(JSON.stringify(content)).digest("hex");
    blocks.push({ tokens, prefix: hash, ...(breakpoint ? { breakpoint } : {}) });
  };
  for (const tool of request.tools ?? []) add(["tool", withoutMark(tool)], tokensOf(withoutMark(tool)), markOf(tool));
  const system = typeof request.system === "string" ? [{ type: "text", text: request.system }] : (request.system ?? []);
  for (const block of system)
    add(["system", withoutMark(block)], tokensOf(block.text ?? withoutMark(block)), markOf(block));
  // Message blocks are cached under the tool_choice they were sent with.
  hash = createHash("sha256")
    .update(hash)
    .update(JSON.stringify(["tool_choice", request.tool_choice ?? null]))
    .digest("hex");
  for (const message of request.messages) {
    const content = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    for (const block of content)
      add([message.role, withoutMark(block)], tokensOf(block.text ?? withoutMark(block)), markOf(block));
  }
  return blocks;
}

/** A prompt cache with a clock of its own, so a bench can let minutes pass between calls. */
export class PromptCache {
  /** Live entries by prefix hash: when each expires, and its TTL (a read renews it for as long). */
  private readonly entries = new Map<string, { expires: number; ttlMs: number }>();
  /** Milliseconds added to the real clock. */
  offsetMs = 0;

  private now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Sets the cache's clock to a time (a bench's simulated one), from which it runs on. */
  setClock(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }

  clear(): void {
    this.entries.clear();
  }

  private live(prefix: string): boolean {
    return (this.entries.get(prefix)?.expires ?? 0) > this.now();
  }

  private keep(prefix: string, ttlMs: number): void {
    this.entries.set(prefix, { expires: this.now() + ttlMs, ttlMs });
  }

  /** Bills one request and updates the cache as the API would. */
  account(request: MessagesRequest): CacheUsage {
    const blocks = blocksOf(request);
    const marks = blocks.flatMap((block, index) => (block.breakpoint ? [index] : []));
    if (marks.length > 4)
      throw new Error(`A maximum of 4 blocks with cache_control may be provided. Found ${marks.length}.`);
    const total = blocks.reduce((sum, block) => sum + block.tokens, 0);
    const tokensThrough = (index: number): number =>
      blocks.slice(0, index + 1).reduce((sum, block) => sum + block.tokens, 0);
    // The longest cached prefix found from any breakpoint, looking back up to 20 blocks from each.
    let hit = -1;
    for (const mark of marks) {
      for (let index = mark; index >= Math.max(0, mark - LOOKBACK_BLOCKS); index -= 1) {
        if (this.live(blocks[index]!.prefix)) {
          hit = Math.max(hit, index);
          break;
        }
      }
    }
    const read = hit >= 0 ? tokensThrough(hit) : 0;
    if (hit >= 0) this.keep(blocks[hit]!.prefix, this.entries.get(blocks[hit]!.prefix)!.ttlMs);
    let written = read;
    let written1h = 0;
    for (const mark of marks) {
      const prefix = blocks[mark]!.prefix;
      const ttlMs = TTL_MS[blocks[mark]!.breakpoint!.ttl];
      if (mark <= hit) {
        // Read through: an entry it holds lives on.
        if (this.live(prefix)) this.keep(prefix, Math.max(ttlMs, this.entries.get(prefix)!.ttlMs));
        continue;
      }
      const through = tokensThrough(mark);
      if (through < MIN_CACHEABLE_TOKENS) continue;
      if (ttlMs === TTL_MS["1h"]) written1h += through - written;
      written = through;
      this.keep(prefix, ttlMs);
    }
    return {
      input_tokens: total - written,
      cache_read_input_tokens: read,
      cache_creation_input_tokens: written - read,
      cache_creation_1h_tokens: written1h,
    };
  }
}

/** Input billed at the API's rates, in input-token equivalents: reads 0.1x, 5-minute writes 1.25x, 1-hour writes 2x. */
export function billedInput(usage: CacheUsage): number {
  const writes5m = usage.cache_creation_input_tokens - usage.cache_creation_1h_tokens;
  return (
    usage.input_tokens + 0.1 * usage.cache_read_input_tokens + 1.25 * writes5m + 2 * usage.cache_creation_1h_tokens
  );
}

/** The same request with no caching at all. */
export const uncachedInput = (usage: CacheUsage): number =>
  usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;

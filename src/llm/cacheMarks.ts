import type { CacheSetting } from "../workspace/config.js";
import type { PrefixUse } from "../stages/drafter.js";
import { CacheLedger, planCache, prefixIds, type CandidateBlock, type Ttl } from "./cachePlan.js";
import type { ModelRequest } from "./layout.js";

// A drafter's prompt cache across its calls: what this process and the audit log know of the cached
// prefixes (a ledger read once, at the first call, from the last hour of the audit log), and the marks
// each request gets from cachePlan.ts.

export interface PromptCacheOptions {
  setting: CacheSetting;
  /** The model calls of the audit log since a time, with the prefixes each marked or read. */
  recent?: (since: Date) => Promise<ReadonlyArray<{ at: string; cached?: PrefixUse[] | undefined }>>;
  /** The run's clock (`--now`), which the audit log's times follow too. */
  now?: () => Date;
}

export interface MarkedRequest {
  /** The TTL of each marked system block and user block, by position. */
  system: Array<Ttl | undefined>;
  user: Array<Ttl | undefined>;
  uses: PrefixUse[];
}

const HOUR_MS = 60 * 60_000;

export class PromptCacheMarks {
  private ledger: Promise<CacheLedger> | undefined;

  constructor(
    private readonly options: PromptCacheOptions,
    /** What, besides the blocks, makes a prefix: the provider, the model and the tools sent. */
    private readonly identity: (request: ModelRequest) => string,
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private known(): Promise<CacheLedger> {
    this.ledger ??= (async () => {
      const ledger = new CacheLedger();
      const calls =
        this.options.setting === "auto" ? await this.options.recent?.(new Date(this.now().getTime() - HOUR_MS)) : [];
      for (const call of calls ?? []) if (call.cached) ledger.record(call.cached, new Date(call.at));
      return ledger;
    })();
    return this.ledger;
  }

  async mark(request: ModelRequest): Promise<MarkedRequest> {
    const texts = [...request.system, ...request.user].map((block) => block.text);
    const ids = prefixIds(this.identity(request), texts);
    const blocks: CandidateBlock[] = [...request.system, ...request.user].map((block, index) => ({
      prefix: ids[index]!,
      scope: index < request.system.length ? "workspace" : "thread",
      candidate: block.breakpoint === true,
    }));
    const plan = planCache(blocks, request.following, await this.known(), this.now(), this.options.setting);
    const at = (index: number) => plan.marks.get(index);
    return {
      system: request.system.map((_, index) => at(index)),
      user: request.user.map((_, index) => at(request.system.length + index)),
      uses: plan.uses,
    };
  }

  /** After a call: what it marked or read is cached from now on. */
  async sent(uses: readonly PrefixUse[]): Promise<void> {
    (await this.known()).record(uses, this.now());
  }
}

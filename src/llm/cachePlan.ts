import { createHash } from "node:crypto";
import type { CacheSetting } from "../workspace/config.js";
import type { FollowingCalls, PrefixUse } from "../stages/drafter.js";

export type { FollowingCalls, PrefixUse } from "../stages/drafter.js";

// Where a request marks cache breakpoints, and for how long, so that a mark is only paid for when it
// is read. Anthropic bills a written prefix at 1.25x (5 minutes) or 2x (an hour) and a read one at
// 0.1x, so a mark written by a call that nothing reads afterwards costs more than no mark at all:
// the common case when approvals and passes are hours or days apart. A candidate breakpoint (the
// layout's: the rules, the canvas, the end of the thread's history) is marked when:
// - it reads: its prefix, or one it looks back to, is still live in the cache (a call of this
//   process, or one the audit log records, wrote or read it within its TTL);
// - it will be read: another call of this process shares it (the plan: the stages still to draft,
//   the documents still to write), or a call used it within the last hour (a workspace whose calls
//   come minutes apart: the next one will find it).
// The TTL of a write follows how far apart the calls come: 5 minutes when the last use of the prefix
// was within 5 minutes or there is none (calls of one process are seconds apart), an hour when it
// was longer ago. A lone call in a cold process marks nothing and is billed at 1x.

export type Ttl = PrefixUse["ttl"];
const TTL_MS: Record<Ttl, number> = { "5m": 5 * 60_000, "1h": 60 * 60_000 };
/** How many blocks before a breakpoint the cache looks for a shorter cached prefix. */
const LOOKBACK_BLOCKS = 20;

export interface CandidateBlock {
  /** The hash of the request's prefix through this block (prefixIds). */
  prefix: string;
  /** Which calls share the block: every call of the workspace (the system blocks), or the thread's. */
  scope: "workspace" | "thread";
  /** The layout offers a breakpoint after this block. */
  candidate: boolean;
}

/** The prefixes this process or the audit log knows of: when each was last written or read, and for how long. */
export class CacheLedger {
  private readonly uses = new Map<string, { at: number; ttl: Ttl }>();

  record(uses: readonly PrefixUse[], at: Date): void {
    for (const use of uses) {
      const known = this.uses.get(use.prefix);
      if (known && known.at > at.getTime()) continue;
      this.uses.set(use.prefix, { at: at.getTime(), ttl: use.ttl });
    }
  }

  /** Still in the cache at `now`: written or read within its TTL. */
  live(prefix: string, now: Date): Ttl | undefined {
    const use = this.uses.get(prefix);
    return use && use.at + TTL_MS[use.ttl] > now.getTime() ? use.ttl : undefined;
  }

  lastUse(prefix: string): number | undefined {
    return this.uses.get(prefix)?.at;
  }
}

/** The hash of each prefix of a request: `identity` (model, tools) then every block's text in order. */
export function prefixIds(identity: string, texts: readonly string[]): string[] {
  let hash = createHash("sha256").update(identity).digest("hex");
  return texts.map((text) => (hash = createHash("sha256").update(hash).update(text).digest("hex")).slice(0, 24));
}

export interface CachePlan {
  /** The TTL of each marked block, by its position. */
  marks: Map<number, Ttl>;
  /** The prefixes the request writes or refreshes, for the ledger and the audit log. */
  uses: PrefixUse[];
}

/** Where a request's breakpoints go (see the top of this file); `setting` 5m or 1h marks every candidate. */
export function planCache(
  blocks: readonly CandidateBlock[],
  following: FollowingCalls,
  ledger: CacheLedger,
  now: Date,
  setting: CacheSetting,
): CachePlan {
  const candidates = blocks.flatMap((block, index) => (block.candidate ? [index] : []));
  const marks = new Map<number, Ttl>();
  if (setting === "off") return { marks, uses: [] };
  if (setting !== "auto") {
    for (const index of candidates) marks.set(index, setting);
    return { marks, uses: candidates.map((index) => ({ prefix: blocks[index]!.prefix, ttl: setting })) };
  }
  // The longest prefix still cached: a read point, which a mark at or after it must reach.
  let read = -1;
  for (let index = blocks.length - 1; index >= 0 && read < 0; index -= 1)
    if (ledger.live(blocks[index]!.prefix, now)) read = index;
  for (const index of candidates) {
    const block = blocks[index]!;
    if (ledger.live(block.prefix, now)) {
      marks.set(index, ledger.live(block.prefix, now)!);
      continue;
    }
    const shared = following === "thread" || (following === "workspace" && block.scope === "workspace");
    const last = lastUseThrough(blocks, index, ledger);
    const recent = last !== undefined && now.getTime() - last < TTL_MS["1h"];
    if (shared || recent) marks.set(index, recent && now.getTime() - last! > TTL_MS["5m"] ? "1h" : "5m");
  }
  // Nothing marked reaches the read point: the first candidate after it reads it (and writes the rest).
  if (read >= 0 && ![...marks.keys()].some((index) => index >= read && index - read <= LOOKBACK_BLOCKS)) {
    const reach = candidates.find((index) => index >= read && index - read <= LOOKBACK_BLOCKS);
    if (reach !== undefined) marks.set(reach, ledger.live(blocks[read]!.prefix, now)!);
  }
  // An hour-long entry may not follow a shorter one: an earlier mark keeps at least a later one's TTL.
  let longest: Ttl = "5m";
  for (const index of [...marks.keys()].sort((a, b) => b - a)) {
    if (marks.get(index) === "1h") longest = "1h";
    else marks.set(index, longest);
  }
  const uses = [...marks].map(([index, ttl]) => ({ prefix: blocks[index]!.prefix, ttl }));
  if (read >= 0 && !marks.has(read))
    uses.push({ prefix: blocks[read]!.prefix, ttl: ledger.live(blocks[read]!.prefix, now)! });
  return { marks, uses };
}

/**
 * When a prefix through this block, or a shorter one of the same scope it extends, was last used: a
 * thread's history counts only its own earlier calls, never another thread's use of the rules.
 */
function lastUseThrough(blocks: readonly CandidateBlock[], index: number, ledger: CacheLedger): number | undefined {
  let last: number | undefined;
  for (let at = Math.max(0, index - LOOKBACK_BLOCKS); at <= index; at += 1) {
    if (blocks[at]!.scope !== blocks[index]!.scope) continue;
    const use = ledger.lastUse(blocks[at]!.prefix);
    if (use !== undefined && (last === undefined || use > last)) last = use;
  }
  return last;
}

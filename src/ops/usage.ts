import type { AuditEntry, AuditEntryOf } from "../audit/log.js";
import { uncachedCost } from "../llm/cost.js";

export interface UsageLine {
  key: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  /** What the prompt cache saved: the same calls uncached, less what they cost (negative: what it cost). */
  saved_usd: number;
  latency_ms: number;
}

export interface UsageSummary {
  total: UsageLine;
  by_model: UsageLine[];
  by_thread: UsageLine[];
}

const emptyLine = (key: string): UsageLine => ({
  key,
  calls: 0,
  input_tokens: 0,
  output_tokens: 0,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  cost_usd: 0,
  saved_usd: 0,
  latency_ms: 0,
});

function add(lines: Map<string, UsageLine>, key: string, call: AuditEntryOf<"model-call">): void {
  const line = lines.get(key) ?? emptyLine(key);
  line.calls += 1;
  line.input_tokens += call.input_tokens;
  line.output_tokens += call.output_tokens;
  line.cache_read_tokens += call.cache_read_tokens;
  line.cache_write_tokens += call.cache_write_tokens;
  line.cost_usd = Math.round((line.cost_usd + call.cost_usd) * 1e6) / 1e6;
  line.saved_usd =
    Math.round((line.saved_usd + uncachedCost(call.provider, call.model, call) - call.cost_usd) * 1e6) / 1e6;
  line.latency_ms += call.latency_ms;
  lines.set(key, line);
}

/** Model calls from the audit log, in total, by provider:model and by thread (optionally one thread). */
export function summariseUsage(audit: readonly AuditEntry[], thread?: string): UsageSummary {
  const calls = audit.filter(
    (entry): entry is AuditEntryOf<"model-call"> => entry.kind === "model-call" && (!thread || entry.thread === thread),
  );
  const total = new Map<string, UsageLine>();
  const byModel = new Map<string, UsageLine>();
  const byThread = new Map<string, UsageLine>();
  for (const call of calls) {
    add(total, "total", call);
    add(byModel, `${call.provider}:${call.model}`, call);
    add(byThread, call.thread, call);
  }
  return {
    total: total.get("total") ?? emptyLine("total"),
    by_model: [...byModel.values()].sort((a, b) => b.cost_usd - a.cost_usd || a.key.localeCompare(b.key)),
    by_thread: [...byThread.values()].sort((a, b) => b.cost_usd - a.cost_usd || a.key.localeCompare(b.key)),
  };
}

/** A sum in dollars; what the cache cost rather than saved shows with a minus sign. */
const dollars = (value: number): string => `${value < 0 ? "-" : ""}$${Math.abs(value).toFixed(4)}`;

export function formatUsage(summary: UsageSummary): string {
  const cells = (key: string, values: Array<string | number>): string =>
    `${key.padEnd(46)}${values.map((value) => String(value).padStart(12)).join("")}`;
  const row = (line: UsageLine): string =>
    cells(line.key, [
      line.calls,
      line.input_tokens,
      line.output_tokens,
      line.cache_read_tokens,
      line.cache_write_tokens,
      dollars(line.cost_usd),
      dollars(line.saved_usd),
    ]);
  const header = cells("", ["calls", "tokens in", "out", "cache read", "cache write", "cost", "saved"]);
  return [
    header,
    row(summary.total),
    "",
    "By model:",
    ...summary.by_model.map(row),
    "",
    "By thread:",
    ...summary.by_thread.map(row),
  ].join("\n");
}

import type { AuditEntry, AuditEntryOf } from "../audit/log.js";

export interface UsageLine {
  key: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cost_usd: number;
  latency_ms: number;
}

export interface UsageSummary {
  total: UsageLine;
  by_model: UsageLine[];
  by_thread: UsageLine[];
}

function add(lines: Map<string, UsageLine>, key: string, call: AuditEntryOf<"model-call">): void {
  const line = lines.get(key) ?? { key, calls: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cost_usd: 0, latency_ms: 0 };
  line.calls += 1;
  line.input_tokens += call.input_tokens;
  line.output_tokens += call.output_tokens;
  line.cache_read_tokens += call.cache_read_tokens;
  line.cost_usd = Math.round((line.cost_usd + call.cost_usd) * 1e6) / 1e6;
  line.latency_ms += call.latency_ms;
  lines.set(key, line);
}

/** Model calls from the audit log, in total, by provider:model and by thread (optionally one thread). */
export function summariseUsage(audit: readonly AuditEntry[], thread?: string): UsageSummary {
  const calls = audit.filter((entry): entry is AuditEntryOf<"model-call"> => entry.kind === "model-call" && (!thread || entry.thread === thread));
  const total = new Map<string, UsageLine>();
  const byModel = new Map<string, UsageLine>();
  const byThread = new Map<string, UsageLine>();
  for (const call of calls) {
    add(total, "total", call);
    add(byModel, `${call.provider}:${call.model}`, call);
    add(byThread, call.thread, call);
  }
  return {
    total: total.get("total") ?? { key: "total", calls: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cost_usd: 0, latency_ms: 0 },
    by_model: [...byModel.values()].sort((a, b) => b.cost_usd - a.cost_usd || a.key.localeCompare(b.key)),
    by_thread: [...byThread.values()].sort((a, b) => b.cost_usd - a.cost_usd || a.key.localeCompare(b.key)),
  };
}

export function formatUsage(summary: UsageSummary): string {
  const row = (line: UsageLine): string =>
    `${line.key.padEnd(52)} ${String(line.calls).padStart(6)} ${String(line.input_tokens).padStart(10)} ${String(line.output_tokens).padStart(10)} ${String(line.cache_read_tokens).padStart(10)} ${`$${line.cost_usd.toFixed(4)}`.padStart(10)}`;
  const header = `${"".padEnd(52)} ${"calls".padStart(6)} ${"tokens in".padStart(10)} ${"out".padStart(10)} ${"cache read".padStart(10)} ${"cost".padStart(10)}`;
  return [header, row(summary.total), "", "By model:", ...summary.by_model.map(row), "", "By thread:", ...summary.by_thread.map(row)].join("\n");
}

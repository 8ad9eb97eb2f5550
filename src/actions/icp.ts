import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UsageError, describeZodIssues } from "../errors.js";
import { termsOf } from "../llm/offline/relevance.js";

const IcpFile = z.object({
  segment: z.string(),
  description: z.string().optional(),
  criteria: z.array(z.object({ name: z.string(), weight: z.number().min(0).max(1), signals: z.array(z.string()).min(1) })).min(1),
  disqualifiers: z.array(z.string()).default([]),
});

export interface IcpScore {
  segment: string;
  score: number;
  fit: boolean;
  threshold: number;
  breakdown: Array<{ name: string; weight: number; score: number; matched: string[] }>;
  disqualifiers_hit: string[];
}

export const FIT_THRESHOLD = 0.5;

/** A signal counts as present when at least half of its content words appear in the lead's text. */
function present(signal: string, words: Set<string>): boolean {
  const terms = [...termsOf(signal)];
  if (terms.length === 0) return false;
  return terms.filter((term) => words.has(term)).length / terms.length >= 0.5;
}

/** Scores a lead against research/customer/icp/{segment}-icp.yaml: weighted share of each criterion's signals found. */
export function scoreLead(workspaceRoot: string, segment: string, text: string): IcpScore {
  const path = join(workspaceRoot, "research", "customer", "icp", `${segment}-icp.yaml`);
  if (!existsSync(path)) throw new UsageError(`sales:lead-intake needs the ICP of segment "${segment}": ${path} does not exist`);
  const parsed = IcpFile.safeParse(parseYaml(readFileSync(path, "utf8")));
  if (!parsed.success) throw new UsageError(`${path}: ${describeZodIssues(parsed.error.issues)}`);
  const words = termsOf(text);
  const weights = parsed.data.criteria.reduce((sum, criterion) => sum + criterion.weight, 0) || 1;
  const breakdown = parsed.data.criteria.map((criterion) => {
    const matched = criterion.signals.filter((signal) => present(signal, words));
    // One matched signal is already real evidence for a criterion; each further one adds less.
    const score = matched.length === 0 ? 0 : Math.min(1, 0.6 + (0.4 * (matched.length - 1)) / Math.max(1, criterion.signals.length - 1));
    return { name: criterion.name, weight: criterion.weight, score: Math.round(score * 100) / 100, matched };
  });
  const score = Math.round((breakdown.reduce((sum, entry) => sum + entry.weight * entry.score, 0) / weights) * 100) / 100;
  const disqualifiersHit = parsed.data.disqualifiers.filter((disqualifier) => present(disqualifier, words));
  return { segment, score, fit: score >= FIT_THRESHOLD && disqualifiersHit.length === 0, threshold: FIT_THRESHOLD, breakdown, disqualifiers_hit: disqualifiersHit };
}

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { FileProblem, UsageError, describeZodIssues } from "../errors.js";
import { parseYamlFile } from "../files/parsed.js";
import { readTextSync } from "../files/readText.js";
import { readIcps } from "../text/icps.js";
import { matchSegment, termsOf } from "../text/relevance.js";
import type { MissingInput } from "./missingInput.js";

const IcpFile = z.object({
  segment: z.string(),
  description: z.string().optional(),
  criteria: z
    .array(z.object({ name: z.string(), weight: z.number().min(0).max(1), signals: z.array(z.string()).min(1) }))
    .min(1),
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

export const ICP_DIR = "research/customer/icp";

const ICP_FIELDS = "segment:, criteria: (each a name, a weight and signals) and disqualifiers:";

/** The file format scoreLead reads, in one line: said by `leanos init` and by a lead that cannot be scored. */
export const ICP_FORMAT = `one {segment}-icp.yaml per segment, with ${ICP_FIELDS}`;

/**
 * The segment whose ICP a lead is scored against: the one the input stage named, else the ICP the
 * lead's text comes closest to (an ICP added after the input stage ran is found this way). `null`
 * when the ICPs exist and none is near the lead; `missing` when there is no ICP to score against.
 */
export function icpToScore(
  workspaceRoot: string,
  segment: string | null | undefined,
  text: string,
): { segment: string | null } | { missing: MissingInput } {
  const add = `add ${ICP_FORMAT}, and accept to score the lead again`;
  if (readIcps(workspaceRoot).length === 0) {
    const dir = join(workspaceRoot, ICP_DIR);
    const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith("-icp.yaml")) : [];
    const where = files.length === 0 ? `${ICP_DIR}/ is empty` : `${ICP_DIR}/ holds no ICP with a segment: line`;
    return { missing: { reason: `no ICP to score the lead against: ${where}`, add } };
  }
  const chosen = segment || matchSegment(workspaceRoot, text)?.segment || null;
  if (chosen === null) return { segment: null };
  const path = `${ICP_DIR}/${chosen}-icp.yaml`;
  if (!existsSync(join(workspaceRoot, path)))
    return {
      missing: {
        reason: `no ICP to score the lead against: ${path} does not exist`,
        add: `add it, with ${ICP_FIELDS}, and accept to score the lead again`,
      },
    };
  return { segment: chosen };
}

/** The share of a signal's content words that appear in the lead's text. */
function overlap(signal: string, words: Set<string>): number {
  const terms = [...termsOf(signal)];
  if (terms.length === 0) return 0;
  return terms.filter((term) => words.has(term)).length / terms.length;
}

// A signal whose words are a third present is evidence; a disqualifier needs most of its words.
const SIGNAL_OVERLAP = 0.3;
const DISQUALIFIER_OVERLAP = 0.6;

/** Scores a lead against research/customer/icp/{segment}-icp.yaml: weighted share of each criterion's signals found. */
/** Scores a lead against its segment's ICP; `threshold` is the lead skill's `fit_threshold`. */
export function scoreLead(workspaceRoot: string, segment: string, text: string, threshold: number): IcpScore {
  const path = join(ICP_DIR, `${segment}-icp.yaml`);
  if (!existsSync(join(workspaceRoot, path)))
    throw new UsageError(`sales:lead-intake needs the ICP of segment "${segment}": ${path} does not exist`);
  const parsed = IcpFile.safeParse(parseYamlFile(path, readTextSync(workspaceRoot, path)));
  if (!parsed.success) throw new FileProblem(path, describeZodIssues(parsed.error.issues));
  const words = termsOf(text);
  const weights = parsed.data.criteria.reduce((sum, criterion) => sum + criterion.weight, 0) || 1;
  const breakdown = parsed.data.criteria.map((criterion) => {
    const overlaps = criterion.signals.map((signal) => ({ signal, share: overlap(signal, words) }));
    const matched = overlaps.filter((entry) => entry.share >= SIGNAL_OVERLAP);
    // The best-supported signal decides: most of its words present counts as fully met.
    const best = Math.max(0, ...matched.map((entry) => entry.share));
    const score = Math.min(1, best * 1.6);
    return {
      name: criterion.name,
      weight: criterion.weight,
      score: Math.round(score * 100) / 100,
      matched: matched.map((entry) => entry.signal),
    };
  });
  const score =
    Math.round((breakdown.reduce((sum, entry) => sum + entry.weight * entry.score, 0) / weights) * 100) / 100;
  const disqualifiersHit = parsed.data.disqualifiers.filter(
    (disqualifier) => overlap(disqualifier, words) >= DISQUALIFIER_OVERLAP,
  );
  return {
    segment,
    score,
    fit: score >= threshold && disqualifiersHit.length === 0,
    threshold,
    breakdown,
    disqualifiers_hit: disqualifiersHit,
  };
}

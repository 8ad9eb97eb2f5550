import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { toolPath } from "../../files/toolRoot.js";
import { renderPlain } from "../../files/plainTemplate.js";
import type { DraftConfidence } from "../../core/stageSchemas.js";
import type { EventKind } from "./rules.js";

// How sure the offline drafter is of a stage's draft, and why not surer. The rules know where they
// guess: a money event with no sum read, an event the canvas's assumptions barely match, two kinds
// of event read from the same words, cue words of opposite moves, prose in a language they do not
// read. Each such weak spot takes its weight off the stage's score and gives its reason; the
// weights, thresholds and reasons are data (prompts/offline/confidence.yaml). This module reads them
// and adds the spots up; inputConfidence.ts and hypothesisConfidence.ts find them.

const Spot = z.object({ weight: z.number().min(0).max(1), reason: z.string().min(1) });
const ConfidenceRules = z.object({
  base: z.number().min(0).max(1),
  lowest: z.number().min(0).max(1),
  no_amount: Spot.extend({
    topic_reason: z.string().min(1),
    kinds: z.record(z.string(), z.object({ percent: z.boolean() })),
    topics: z.array(z.string()),
  }),
  foreign_money: Spot,
  not_english: Spot.extend({ mostly: z.number().min(0).max(1), languages: z.record(z.string(), z.string()) }),
  close_kinds: Spot.extend({ margin: z.number().min(0), one_cue: z.string().min(1), no_cue: z.string().min(1) }),
  contradiction: Spot.extend({
    pairs: z.array(z.object({ one: z.array(z.string()).min(1), other: z.array(z.string()).min(1) })),
  }),
  weak_match: Spot.extend({
    floor: z.number().min(0).max(1),
    none_weight: z.number().min(0).max(1),
    none_floor: z.number().min(0).max(1),
    none: z.string().min(1),
    only_new: z.string().min(1),
  }),
  close_assumptions: Spot.extend({ margin: z.number().min(0).max(1) }),
  kind_names: z.record(z.string(), z.string()),
});
export type ConfidenceRules = z.infer<typeof ConfidenceRules>;

let cached: ConfidenceRules | undefined;

/** The weights, thresholds and reasons, from prompts/offline/confidence.yaml. */
export function confidenceRules(): ConfidenceRules {
  cached ??= ConfidenceRules.parse(parseYaml(readFileSync(toolPath("prompts", "offline", "confidence.yaml"), "utf8")));
  return cached;
}

/** One thing that makes a draft a guess: how much it costs the score, and the sentence that says it. */
export interface WeakSpot {
  weight: number;
  reason: string;
}

/** A reason's template, said of this case. */
export const said = (template: string, view: Record<string, unknown>): string => renderPlain(template, view);
export const round2 = (value: number): number => Math.round(value * 100) / 100;

/** A stage's confidence: the base less each weak spot's weight (never under the lowest), with their reasons in order. */
export function scored(
  spots: ReadonlyArray<WeakSpot | undefined>,
  rules: ConfidenceRules = confidenceRules(),
): DraftConfidence {
  const found = spots.filter((spot): spot is WeakSpot => spot !== undefined);
  const score = found.reduce((left, spot) => left - spot.weight, rules.base);
  return { score: round2(Math.min(1, Math.max(rules.lowest, score))), reasons: found.map((spot) => spot.reason) };
}

/**
 * The confidence of a stage built on others (implication on input and hypothesis, decision on all
 * three): as sure as the least sure of them, since one guessed part makes the whole a guess, and
 * every doubt found on the way is said (once each), so the person sees all of them. Undefined when
 * none of them says.
 */
export function inherited(confidences: ReadonlyArray<DraftConfidence | undefined>): DraftConfidence | undefined {
  const known = confidences.filter((confidence): confidence is DraftConfidence => confidence !== undefined);
  if (known.length === 0) return undefined;
  return {
    score: Math.min(...known.map((confidence) => confidence.score)),
    reasons: [...new Set(known.flatMap((confidence) => confidence.reasons))],
  };
}

/** The name of a reading in a reason ("a deal won"), or the kind's own name when the data has none. */
export function kindName(kind: EventKind, rules: ConfidenceRules = confidenceRules()): string {
  return rules.kind_names[kind.kind] ?? kind.kind;
}

import type { AutonomyMode, TrustStanding } from "../core/autonomy.js";

// The approval policy for a stage's draft, in one place: code, never read from the event or the
// draft's prose. A stage waits for a person when its skill gates it always; a stage gated on impact
// (the decision) waits when its impact reaches the threshold, when a draft it builds on is under the
// confidence floor, and, under the threshold, as the autonomy mode says.

/** A stage draft's confidence, as the policy weighs it. */
export interface StageConfidence {
  stage: string;
  score: number;
  reasons: readonly string[];
}

export interface PolicyInput {
  gates: readonly string[];
  impact: number | null;
  threshold: number;
  mode: AutonomyMode;
  /** The thread type's standing; needed in the earned mode. */
  trust?: TrustStanding | undefined;
  /** The confidence of each stage drafted so far that said one. */
  confidence?: readonly StageConfidence[];
  floor?: number;
  /**
   * The goal the thread serves, with its autonomy (LeanOS's goal-setter): `ask` has every decision of
   * its threads wait for a person, `hybrid` those at impact 0.5 or more, `auto` adds nothing. It only
   * ever adds a reason to wait: the workspace's own rules stand.
   */
  goal?: { id: string; autonomy: "auto" | "ask" | "hybrid" } | undefined;
  /**
   * What strategy/values.md says against the decision, in words: a soft constraint it breaks, a hard
   * one in prose that code cannot check, a drafter's flag. Each has it wait for a person.
   */
  valuesReasons?: readonly string[];
}

/** A hybrid goal's threads wait for a person from this impact on (LeanOS: auto below 0.5, ask at 0.5 or more). */
export const HYBRID_GOAL_IMPACT = 0.5;

/** Whether a person must answer, and every reason why (empty when the policy accepts). */
export interface PolicyVerdict {
  required: boolean;
  reasons: string[];
  /** Why it waits is the reading itself (trust not earned, or a guess), not only its stakes: the gate shows the reading. */
  reading: boolean;
}

export function stagePolicy(input: PolicyInput): PolicyVerdict {
  const { gates, impact, threshold } = input;
  if (gates.includes("always"))
    return { required: true, reasons: ["this stage always waits for a person"], reading: false };
  if (!gates.includes("impact")) return { required: false, reasons: [], reading: false };
  const reasons: string[] = [];
  let reading = false;
  if (impact !== null && impact >= threshold) reasons.push(`impact ${impact} >= ${threshold}`);
  const floor = input.floor ?? 0;
  // Later stages inherit the reasons of those they build on: each is said once, with the lowest stage.
  const guesses = (input.confidence ?? []).filter((guess) => guess.score < floor);
  if (guesses.length > 0) {
    const lowest = guesses.reduce((low, guess) => (guess.score < low.score ? guess : low));
    const why = [...new Set(guesses.flatMap((guess) => guess.reasons))];
    reasons.push(
      `a low-confidence reading (${lowest.stage} ${lowest.score} < ${floor}): ${why.join("; ") || "the drafter gave no reason"}`,
    );
    reading = true;
  }
  if (input.mode === "supervised") reasons.push("autonomy is supervised: every decision waits for a person");
  reasons.push(...(input.valuesReasons ?? []));
  const goal = input.goal;
  if (goal?.autonomy === "ask")
    reasons.push(`it serves goal ${goal.id}, whose autonomy is ask: every decision waits for a person`);
  if (goal?.autonomy === "hybrid" && impact !== null && impact >= HYBRID_GOAL_IMPACT)
    reasons.push(
      `it serves goal ${goal.id}, whose autonomy is hybrid: impact ${impact} >= ${HYBRID_GOAL_IMPACT} waits for a person`,
    );
  if (input.mode === "earned" && !input.trust?.earned) {
    const type = input.trust?.type ?? "this thread type";
    reasons.push(`trust not yet earned for ${type} decisions: ${input.trust?.needs || "no answers recorded yet"}`);
    reading = true;
  }
  return { required: reasons.length > 0, reasons, reading };
}

/** Whether a stage waits for a person on impact alone (LeanOS's rule, the threshold mode). */
export function stageNeedsPerson(gates: readonly string[], impact: number | null, threshold: number): boolean {
  return stagePolicy({ gates, impact, threshold, mode: "threshold" }).required;
}

/** What the policy reads of an action's template. */
export interface ActionRule {
  action: { owner?: string | undefined; human_required?: boolean | undefined; executor?: string | undefined };
}

// The approval policy for an action, in one place with the stage's: whether a person acts before an
// action runs is decided here and nowhere else (the planner's flag, the engine, the inbox).

/** A person carries the action out and reports its outcome: its owner is human. */
export function reportsOutcome(template: ActionRule): boolean {
  return template.action.owner === "human";
}

/** The action sends to customers: it always waits for a person, whatever its template says. */
export function sendsOut(template: ActionRule): boolean {
  return template.action.executor === "send";
}

/** Every reason a person must act before this action runs; none when the AI runs it alone. */
export function humanReasons(template: ActionRule): string[] {
  const reasons: string[] = [];
  if (reportsOutcome(template)) reasons.push("a person carries it out and reports its outcome");
  if (sendsOut(template)) reasons.push("it sends to customers");
  if (template.action.human_required === true) reasons.push("its template needs a person's approval");
  return reasons;
}

/** A person must act before this action runs: its owner is human, its template says so, or it sends. */
export function needsHuman(template: ActionRule): boolean {
  return humanReasons(template).length > 0;
}

/**
 * Whether a planned action waits for a person: by its template's rule; for a type no template names
 * (any more), by what its plan was stamped with when drafted (stages/validate.ts, from this policy).
 */
export function plannedNeedsHuman(
  action: { owner: string; human_required: boolean },
  template: ActionRule | undefined,
): boolean {
  return template ? needsHuman(template) : action.owner === "human" || action.human_required;
}

import type { DecisionStatus } from "../core/stageSchemas.js";

// LeanOS's decision record as policy sets it, whoever drafted the decision: the status is the verdict
// in LeanOS's words, the impact score the implication's, the human flag the approval policy's.

/** The verdict in LeanOS's status words: PROCEED is accepted, REJECT rejected, DEFER and INVESTIGATE deferred. */
export function decisionStatusOf(verdict: string): DecisionStatus {
  return verdict === "PROCEED" ? "accepted" : verdict === "REJECT" ? "rejected" : "deferred";
}

/** LeanOS writes the human flag as yes or no. */
export const yesNo = (flag: boolean): "yes" | "no" => (flag ? "yes" : "no");

/**
 * A decision output with its policy fields settled: status from its verdict, impact score and human
 * flag as given. A decision drafted before these fields existed gets them here too.
 */
export function settleDecision<T extends { verdict: string }>(
  output: T,
  policy: { impact: number | null; flagged: boolean },
): T & { status: DecisionStatus; impact_score: number | null; human_flagged: boolean } {
  return {
    ...output,
    status: decisionStatusOf(output.verdict),
    impact_score: policy.impact,
    human_flagged: policy.flagged,
  };
}

import type { StageConfidence } from "../core/policy.js";
import type { Reading } from "../core/reading.js";

/** What the drafter read of the event, as a decision gate shows it (markdown): each value can be corrected there. */
export function describeReading(reading: Reading, confidence: readonly StageConfidence[]): string {
  const assumptions =
    reading.assumptions.length > 0
      ? reading.assumptions.map((test) => `${test.id} ${test.direction}`).join(", ")
      : "none";
  const facts =
    reading.facts.length > 0
      ? reading.facts.map((fact) => `${fact.text}${fact.value !== undefined ? ` (${fact.value})` : ""}`).join("; ")
      : "none read";
  const guesses = confidence
    .filter((stage) => stage.reasons.length > 0)
    .map((stage) => `- ${stage.stage} ${stage.score}: ${stage.reasons.join("; ")}`);
  return [
    "What the drafter read (edit `type`, `assumptions` or `facts` to correct it; the stages after it are drafted again):",
    `- type: ${reading.type}`,
    `- assumptions tested: ${assumptions}`,
    `- amounts and figures: ${facts}`,
    ...(reading.verdict ? [`- verdict: ${reading.verdict}`] : []),
    ...(guesses.length > 0 ? ["", "Where the drafter was unsure:", ...guesses] : []),
  ].join("\n");
}

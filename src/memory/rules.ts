import { z } from "zod";
import { AssumptionId, Direction, ThreadTypeName, Verdict } from "../core/stageSchemas.js";

// A rule a person confirmed (issue 27): when an event holds every one of a few words of the company's
// own vocabulary (words of its canvas), its reading takes one value: a thread type, an assumption
// tested in a direction, or a verdict. A drafter proposes one after a correction, with the correction
// as its evidence; it joins the memory only when a person accepts it. Its statement is written by
// leanos from these fields, never taken from a drafter's or an event's text, so nothing an event
// says can become an instruction.

/** A word a rule is conditioned on: one word as the drafters' matching reads it (lower case, light stem). */
export const RuleWord = z
  .string()
  .regex(/^[\p{Ll}\p{N}][\p{Ll}\p{N}-]{1,39}$/u, "a rule's word is one lower-case word");

export const RuleEffect = z.union([
  // A type by its shape: a proposed rule takes the type its correction set (proposals.ts), which the workspace checked.
  z.object({ type: ThreadTypeName }).strict(),
  z.object({ assumption: z.object({ id: AssumptionId, direction: Direction.exclude(["new"]) }).strict() }).strict(),
  z.object({ verdict: Verdict }).strict(),
]);
export type RuleEffect = z.infer<typeof RuleEffect>;

export const Rule = z.object({
  kind: z.literal("rule"),
  when: z.array(RuleWord).min(1).max(3),
  then: RuleEffect,
  says: z.string().max(300),
  /** The correction that is its evidence: the thread, and the example kept of it. */
  evidence: z.object({ thread: z.string(), example: z.string() }),
  /** Who proposed it (a drafter, provider:model), who accepted it, and when. */
  proposed_by: z.string(),
  by: z.string(),
  at: z.string(),
});
export type Rule = z.infer<typeof Rule>;

/** The rule's statement, in leanos's words. */
export function ruleStatement(when: readonly string[], then: RuleEffect): string {
  const words = when.map((word) => `"${word}"`).join(" and ");
  const effect =
    "type" in then
      ? `is a ${then.type} thread`
      : "assumption" in then
        ? `${then.assumption.direction} ${then.assumption.id}`
        : `is decided ${then.verdict}`;
  return `an event that mentions ${words} ${effect}`;
}

/** Whether an event whose words (as drafters match them) are `words` falls under the rule. */
export const ruleApplies = (rule: Pick<Rule, "when">, words: ReadonlySet<string>): boolean =>
  rule.when.every((word) => words.has(word));

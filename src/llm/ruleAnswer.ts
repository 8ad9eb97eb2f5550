import { z } from "zod";
import type { RuleRequest } from "../stages/drafter.js";
import { Direction, threadTypeIn, Verdict } from "../core/stageSchemas.js";
import type { ThreadTypes } from "../core/threadTypes.js";
import { unclosable } from "./lessonsBlock.js";

// A model's answer when asked for a rule after a correction (prompts/propose-rule.md): flat fields,
// as every provider's structured output takes them, turned into the candidate leanos then checks
// (memory/proposals.ts). Nothing of it is trusted: a wrong word or value is refused there.

/** The answer's schema in a workspace of these types: a rule's type is one the workspace writes. */
export function ruleAnswerIn(types: ThreadTypes) {
  return z.object({
    none: z.boolean().describe("true when no rule of the listed words explains the correction"),
    when: z.array(z.string()).max(3).default([]),
    type: threadTypeIn(types, types.names).optional(),
    assumption_id: z.string().optional(),
    direction: Direction.exclude(["new"]).optional(),
    verdict: Verdict.optional(),
  });
}
export type RuleAnswer = z.infer<ReturnType<typeof ruleAnswerIn>>;

/** The candidate rule of an answer: one value, and the words; undefined for none, or for an answer that gives no single value. */
export function candidateOf(answer: unknown, types: ThreadTypes): unknown {
  const parsed = ruleAnswerIn(types).safeParse(answer);
  if (!parsed.success || parsed.data.none) return undefined;
  const { when, type, assumption_id: id, direction, verdict } = parsed.data;
  const values = [type !== undefined, id !== undefined || direction !== undefined, verdict !== undefined].filter(
    Boolean,
  ).length;
  if (values !== 1) return undefined;
  if (type) return { when, then: { type } };
  if (verdict) return { when, then: { verdict } };
  return { when, then: { assumption: { id, direction } } };
}

const readingLine = (reading: {
  type?: string | undefined;
  assumptions?: ReadonlyArray<{ id: string; direction: string }> | undefined;
  verdict?: string | undefined;
}): string =>
  [
    reading.type ? `type ${reading.type}` : "",
    reading.assumptions
      ? `assumptions ${reading.assumptions.map((test) => `${test.id} ${test.direction}`).join(", ") || "none"}`
      : "",
    reading.verdict ? `verdict ${reading.verdict}` : "",
  ]
    .filter(Boolean)
    .join("; ");

/** The request as the prompt shows it. Earlier events are cut short: a rule is checked against them by leanos anyway. */
export function ruleRequestView(request: RuleRequest): Record<string, string> {
  return {
    words: request.words.join(", "),
    read: readingLine(request.read),
    corrected: readingLine(request.fields),
    others:
      request.others
        .slice(0, 20)
        .map(
          (other) =>
            `- ${readingLine(other.final)}: ${other.event.replace(/\s+/g, " ").slice(0, 200).replace(/</g, "‹")}`,
        )
        .join("\n") || "(none yet)",
    event: unclosable(request.event),
  };
}

import { z } from "zod";
import { Rule, RuleEffect } from "./rules.js";

// The shape of a proposed rule as the memory keeps it, apart from how one is checked and made
// (proposals.ts), so listing the memory loads no text tools.

export const PROPOSED = ["memory", "proposed"];

/** A rule before a person accepted it: the same fields, but no one's `by` yet, and `at` is when it was proposed. */
export const Proposal = Rule.omit({ kind: true, by: true }).extend({ kind: z.literal("proposed-rule") });
export type Proposal = z.infer<typeof Proposal>;

/** What a drafter proposes: at most three of the company's words, and the one value they decide. */
export const RuleCandidate = z.object({ when: z.array(z.string()).min(1).max(3), then: RuleEffect }).strict();
export type RuleCandidate = z.infer<typeof RuleCandidate>;

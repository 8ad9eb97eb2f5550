import { z } from "zod";
import { canonicalType, type ThreadTypes } from "../core/threadTypes.js";

// Autonomy a workspace earns. LeanOS lets a decision under the impact threshold act with no person
// looking; that is only safe once the people have seen this drafter read this company's events
// well. So, by default (`earned`), a thread type's decisions wait until the people answering them
// have agreed with enough of its readings, and one correction sends the type back to waiting.

/**
 * - earned: under the threshold a decision acts alone only for a thread type that has earned it.
 * - supervised: every decision waits for a person.
 * - threshold: LeanOS's rule as written: under the impact threshold a decision acts alone.
 */
export const AutonomyMode = z.enum(["earned", "supervised", "threshold"]);
export type AutonomyMode = z.infer<typeof AutonomyMode>;

/**
 * The bar a thread type clears to act alone. The defaults are chosen so a drafter that misreads 30%
 * of a company's events (what the offline drafter does on companies it was never shaped on) clears
 * it by luck rarely: 18 or more agreements in 20 answers happen to such a drafter 3.5% of the time,
 * 10 in a row after a correction 2.8%. A drafter that reads 95% right clears 18 of 20 92% of the time.
 */
export const TrustBar = z
  .object({
    /** Decisions of the type the people must have answered before it may act alone. */
    answered: z.number().int().min(1).max(1000).default(20),
    /** How many of the latest answers the agreement is measured over. */
    window: z.number().int().min(1).max(1000).default(20),
    /** The share of the window that must be accepted unchanged. */
    agreement: z.number().min(0).max(1).default(0.9),
    /** After a correction, agreements in a row before the type acts alone again. */
    again_after: z.number().int().min(1).max(1000).default(10),
  })
  .strict();
export type TrustBar = z.infer<typeof TrustBar>;

/** One person's judgement of a decision's reading: agreed (accepted unchanged) or corrected. */
export interface Judgement {
  type: string;
  judged: "agreed" | "corrected";
  at: string;
}

/** Where a thread type stands against the bar. */
export interface TrustStanding {
  type: string;
  /** Decisions of the type people have answered (agreed or corrected). */
  answered: number;
  /** Agreements among the latest `window` answers, and how many answers that window holds. */
  agreed_recent: number;
  window: number;
  /** agreed_recent / the answers in the window; null before any answer. */
  agreement: number | null;
  /** Agreements since the latest correction; null when the type was never corrected. */
  since_correction: number | null;
  earned: boolean;
  /** What the type still needs to act alone, in a sentence; empty once earned. */
  needs: string;
}

/**
 * Judgements with their types as the workspace names them: business judged under either of its
 * names (a workspace that moved its threads to operations/) counts as the one type it writes.
 */
export function judgementsIn(types: ThreadTypes, judgements: readonly Judgement[]): Judgement[] {
  return judgements.map((judgement) => ({
    ...judgement,
    type: canonicalType(types, judgement.type) ?? judgement.type,
  }));
}

/** Where `type` stands, from every judgement of the workspace (oldest first; see judgementsIn). */
export function standingOf(type: string, judgements: readonly Judgement[], bar: TrustBar): TrustStanding {
  const own = judgements.filter((judgement) => judgement.type === type);
  const recent = own.slice(-bar.window);
  const agreed = recent.filter((judgement) => judgement.judged === "agreed").length;
  const lastCorrection = own.map((judgement) => judgement.judged).lastIndexOf("corrected");
  const sinceCorrection = lastCorrection < 0 ? null : own.length - lastCorrection - 1;
  const agreement = recent.length === 0 ? null : agreed / recent.length;
  // Epsilon: 0.9 * 20 must ask for 18, not 19 by a rounding error.
  const wanted = Math.ceil(bar.agreement * recent.length - 1e-9);
  const needs: string[] = [];
  if (own.length < bar.answered)
    needs.push(`${bar.answered - own.length} more answered decision(s) (${own.length} of ${bar.answered})`);
  // Before enough answers, the count is what it needs; the share is judged once there are enough.
  if (agreed < wanted && own.length >= bar.answered)
    needs.push(
      `${wanted - agreed} more agreement(s) in its latest ${bar.window} (${agreed} of ${recent.length} accepted unchanged; ${wanted} wanted)`,
    );
  if (sinceCorrection !== null && sinceCorrection < bar.again_after) {
    needs.push(
      `${bar.again_after - sinceCorrection} more agreement(s) in a row since its last correction (${sinceCorrection} of ${bar.again_after})`,
    );
  }
  return {
    type,
    answered: own.length,
    agreed_recent: agreed,
    window: recent.length,
    agreement,
    since_correction: sinceCorrection,
    earned: needs.length === 0,
    needs: needs.join("; "),
  };
}

/** Every thread type's standing: the workspace's types (LeanOS's three and those it declares), and any other a judgement names. */
export function standings(judgements: readonly Judgement[], bar: TrustBar, types: ThreadTypes): TrustStanding[] {
  const named = judgementsIn(types, judgements);
  const all = [...new Set([...types.names, ...named.map((judgement) => judgement.type)])];
  return all.map((type) => standingOf(type, named, bar));
}

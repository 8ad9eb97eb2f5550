import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { holdsFor, waitingProposals } from "../src/memory/proposals.js";
import { judgeRule } from "../src/runtime/ruleProposal.js";
import type { RuleEffect } from "../src/memory/rules.js";
import { stagePolicy } from "../src/core/policy.js";
import { Runtime } from "../src/runtime/engine.js";
import type { DraftConfidence } from "../src/core/stageSchemas.js";
import {
  draftEvent,
  expectationsOf,
  scoreOf,
  scoreSet,
  scoresOf,
  workspaceCopy,
  type Drafted,
  type EventScore,
  type Expected,
  type Scores,
} from "./harness.js";
import type { EvalSet } from "./sets.js";

// `npm run eval -- --teach`: the learning a workspace does from the people who correct it (issue 27).
// Each set is replayed in its order; after each event is drafted and scored, its expectation is given
// as a person would give it: an accept of the decision when the draft reads it right, else a
// correction through the runtime's own `correct` (the code path of `leanos correct`). So each event
// is drafted having been taught only the events before it, as a person would have taught them.

export const TEACHER = "eval-teacher";

export interface TeachReport {
  set: string;
  role: EvalSet["role"];
  /** The first half, drafted cold (before any teaching). */
  cold: Scores;
  /** The second half drafted cold (no memory): what teaching is measured against. */
  secondCold: Scores;
  /** The second half drafted after every earlier event was taught. */
  taught: Scores;
  /** Every event as drafted while teaching, and what the person did with it. */
  events: Array<EventScore & { taught: "agreed" | "corrected"; learned: string[] }>;
  /** The rules proposed after the corrections, and whether the person accepted them. */
  rules: Array<{ says: string; accepted: boolean }>;
}

/** An event taught already: what the person knows when a rule is proposed. */
interface Taught {
  text: string;
  expected: Expected;
}

/** Whether a rule's value is what the person expects of an event it holds for (an assumption it would test must be one they expect, that way). */
function agrees(then: RuleEffect, expected: Expected): boolean {
  if ("type" in then) return then.type === expected.type;
  if ("verdict" in then) return then.verdict === expected.verdict;
  return expected.tests.some((test) => test.id === then.assumption.id && test.direction === then.assumption.direction);
}

/**
 * The person judges each rule proposed after their correction as a careful person would, from what
 * they know: the events they taught before. They accept it when every one of those it holds for reads
 * as it says, and reject it otherwise.
 */
async function judgeProposals(runtime: Runtime, taught: readonly Taught[]): Promise<TeachReport["rules"]> {
  const judged: TeachReport["rules"] = [];
  for (const { id, proposal } of await waitingProposals(runtime.store.memory)) {
    const accepted = taught
      .filter((event) => holdsFor(proposal.when, event.text))
      .every((event) => agrees(proposal.then, event.expected));
    await judgeRule(
      { store: runtime.store, audit: runtime.audit, at: runtime.now().toISOString() },
      id,
      accepted ? "accepted" : "rejected",
      TEACHER,
    );
    judged.push({ says: proposal.says, accepted });
  }
  return judged;
}

/** The reading a person gives for an expectation: each expected assumption once, in its first listed direction. */
export function correctionFor(expected: Expected): {
  type: string;
  assumptions: Array<{ id: string; direction: string }>;
  verdict: string;
} {
  const seen = new Set<string>();
  const assumptions = expected.tests.filter((test) => !seen.has(test.id) && seen.add(test.id));
  return {
    type: expected.type,
    assumptions: assumptions.map((test) => ({ id: test.id, direction: test.direction })),
    verdict: expected.verdict,
  };
}

/** Whether the decision would wait for a person under LeanOS's impact rule (the gate column, whatever the teaching mode). */
function gatedByImpact(drafted: Drafted, threshold: number, floor: number): boolean {
  const confidence = (["input", "hypothesis", "implication", "decision"] as const).flatMap((stage) => {
    const said = (drafted[stage] as { confidence?: DraftConfidence }).confidence;
    return said ? [{ stage, score: said.score, reasons: said.reasons }] : [];
  });
  return stagePolicy({
    gates: ["impact"],
    impact: drafted.implication.impact_score,
    threshold,
    mode: "threshold",
    confidence,
    floor,
  }).required;
}

/** Where a draft says it took its reading from the workspace's memory. */
const learnedNotes = (drafted: Drafted): string[] =>
  [drafted.input.summary, drafted.hypothesis.summary, drafted.decision.rationale].flatMap((text) =>
    [...text.matchAll(/\((?:read|decided|tested) [^()]*(?:as in threads\/|by the rule )[^)]*\)/g)].map(
      (match) => match[0],
    ),
  );

/** Replays one set with teaching, and the same set cold, and reports both halves. */
export async function teachSet(
  set: EvalSet,
  choice: { provider?: string; model?: string },
  options: { acceptRules?: boolean } = {},
): Promise<TeachReport> {
  const expectations = await expectationsOf(set);
  const half = Math.ceil(expectations.length / 2);
  const cold = await scoreSet(set, choice, undefined);
  // Supervised, so every decision waits for the person who teaches (agrees or corrects) before it acts.
  const workspace = await workspaceCopy(set, "supervised");
  const runtime = await Runtime.open({ workspace, ...choice });
  const events: TeachReport["events"] = [];
  const taught: Taught[] = [];
  const rules: TeachReport["rules"] = [];
  try {
    const { approval_threshold: threshold, confidence_floor: floor } = runtime.workspace.config;
    for (const expected of expectations) {
      const drafted = await draftEvent(runtime, set, expected);
      const score = scoreOf(drafted, expected, gatedByImpact(drafted, threshold, floor));
      const right = score.type && score.direction && score.verdict;
      if (right) {
        const decision = drafted.result.pending.find((item) => item.stage === "decision");
        if (decision) await runtime.answer(drafted.result.thread, { type: "accept", args: null, by: TEACHER });
      } else {
        await runtime.correct(drafted.result.thread, correctionFor(expected), {
          by: TEACHER,
          reason: `the eval's expectation for ${expected.file}`,
        });
        if (options.acceptRules) rules.push(...(await judgeProposals(runtime, taught)));
      }
      taught.push({ text: await readFile(join(set.events, expected.file), "utf8"), expected });
      events.push({ ...score, taught: right ? "agreed" : "corrected", learned: learnedNotes(drafted) });
    }
  } finally {
    await runtime.close();
    await rm(workspace, { recursive: true, force: true });
  }
  return {
    set: set.name,
    role: set.role,
    cold: scoresOf(cold.events.slice(0, half)),
    secondCold: scoresOf(cold.events.slice(half)),
    taught: scoresOf(events.slice(half)),
    events,
    rules,
  };
}

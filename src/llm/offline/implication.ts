import { sectionText } from "../../canvas/canvas.js";
import { MOST_POINTS_PER_EVENT } from "../../stages/confidenceMoves.js";
import type { StageContext } from "../../stages/context.js";
import { impactFactorNames, impactScore } from "../../stages/impact.js";
import type { Fact, HypothesisOutput, ImplicationOutput } from "../../core/stageSchemas.js";
import { needsHuman, reportsOutcome } from "../../core/policy.js";
import type { z } from "zod";
import { readMetric } from "../../canvas/metrics.js";
import { possessive } from "../../files/plainTemplate.js";
import { extractFacts } from "../../text/extract.js";
import { amountsIn, showAmount, workspaceCurrency } from "../../text/money.js";
import type { Reading } from "../../text/reading.js";
import { matchSegment } from "../../text/relevance.js";
import { planFor } from "./plan.js";
import { countCues, offlineRules, type EventKind } from "./rules.js";
import { before, builtOn, understood } from "./stageBasis.js";
import { statedMoney } from "./statedMoney.js";

// The implication stage by rules: the impact factors (each score is 0-1; the stage's impact score is
// their mean, see stages/impact.ts, and a decision waits for a person at the workspace's threshold,
// 0.8 by default), the figures stated, the risks, dependencies and timeline of the plan.

export const clamp = (value: number, low = 0, high = 1): number => Math.min(high, Math.max(low, value));
export const round2 = (value: number): number => Math.round(value * 100) / 100;

// Money is weighed against the size of the company, not in dollars: $50K is a tenth of a small
// agency's year and noise for a scale-up. A sum of 0.1% of the company's ARR scores 0 and one of 10%
// (a tenth of the business moved by one event) scores 1, on a log scale between them. Both are read
// in the workspace's currency: a sum in another currency is not weighed (nothing is converted, see
// money.ts), and neither is an ARR the metrics give in another one.
const NOISE_SHARE = 0.001;
const DECADES_TO_FULL = 2;
// A company whose metrics state no ARR, MRR or revenue (in its currency) is weighed as one of 1M ARR.
const UNKNOWN_ARR = 1_000_000;
// A move of the most one event may make (stages/confidenceMoves.ts) carries the whole weight that
// moving a belief can give.
const FULL_SHIFT = MOST_POINTS_PER_EVENT;

/** The company's yearly recurring revenue in its currency `home`, from 13-metrics.md: ARR, or MRR x 12, or revenue. */
export function companyArr(context: Pick<StageContext, "canvas">, home: string): number {
  const metrics = sectionText(context.canvas, "metrics");
  const sum = (metric: string): number => {
    const cell = readMetric(metrics, metric);
    const amount = cell ? amountsIn(cell, home)[0] : undefined;
    return amount?.currency === home ? amount.value : 0;
  };
  const value = sum("ARR") || sum("MRR") * 12 || sum("Revenue");
  return value > 0 ? value : UNKNOWN_ARR;
}

/** A sum's weight for the company, 0-1 (see NOISE_SHARE). */
export function scaleScore(amount: number, arr: number): number {
  return amount > 0 ? clamp(Math.log10(amount / (arr * NOISE_SHARE)) / DECADES_TO_FULL) : 0;
}

export function draftFactors(
  context: StageContext,
  reading: Reading,
  kind: EventKind,
  facts: ReadonlyArray<z.infer<typeof Fact>>,
  hypothesis: HypothesisOutput | undefined,
): Pick<ImplicationOutput, "factors" | "impact_score"> & { money: number; marginHits: number } {
  const rules = offlineRules();
  const home = workspaceCurrency(context.canvas);
  // Each sum in its own currency (its fact's text names it); only those in the workspace's are weighed.
  const sums = facts
    .filter((fact) => fact.kind === "money")
    .map((fact) => ({ value: fact.value ?? 0, currency: amountsIn(fact.text, home)[0]?.currency ?? home }));
  const money = Math.max(0, ...sums.filter((sum) => sum.currency === home).map((sum) => sum.value));
  const foreign = [...new Set(sums.filter((sum) => sum.currency !== home).map((sum) => sum.currency))];
  const arr = companyArr(context, home);
  const moneyScore = scaleScore(money, arr);
  const tests = hypothesis?.tests ?? [];
  const maxShift = Math.max(
    0,
    ...tests.map((test) => Math.abs(test.proposed_confidence - (test.previous_confidence ?? test.proposed_confidence))),
  );
  const testsOpenBelief = tests.some((test) => {
    const assumption = context.canvas.assumptions.find((candidate) => candidate.id === test.assumption_id);
    return assumption !== undefined && assumption.status !== "VALIDATED";
  });
  const segment = matchSegment(context.workspaceRoot, reading.text, home);
  // No segment (or no typical deal size) says nothing either way: the middle of the scale.
  const acvScore = segment?.acv ? scaleScore(segment.acv, arr) : 0.5;
  const moatHits = countCues(reading.text, rules.moat_cues);
  const marginHits = countCues(reading.text, rules.margin_cues);
  const unweighed = foreign.length > 0 ? `; sums in ${foreign.join(", ")} are not weighed (no exchange rates)` : "";
  const moneyWords = `${money > 0 ? `${showAmount(money, home)} named in the event (${Math.round((money / arr) * 1000) / 10}% of ARR)` : `no money in ${home} named in the event`}${unweighed}`;

  // Reasons for the weights, factor by factor:
  // - strategic value: any event that tests the canvas has some (0.3); moving a belief adds up to 0.5
  //   by how far it moves; testing a belief not yet validated adds 0.2 (that is where the plan is at risk).
  // - market size: the segment's typical deal, and the event's own sum when it names one (the named sum
  //   is one deal; the segment's size is many, so it weighs more: 0.6 to 0.4).
  // - defensibility: a neutral 0.3, and 0.15 for each sign of a moat (exclusivity, integration, terms).
  // - revenue impact: the named sum; without one, 0.2 (an event can still touch revenue indirectly).
  // - time to cash: the kind's own distance from money in the bank (prompts/offline/event-kinds.yaml).
  // - margin: 0.6 for an ordinary sale; each sign of giving value away costs 0.12, each moat sign
  //   (a premium the customer pays for) adds 0.05.
  const scores: Record<string, { score: number; rationale: string }> = {
    "strategic value": {
      score: clamp(0.3 + 0.5 * clamp(maxShift / FULL_SHIFT) + (testsOpenBelief ? 0.2 : 0)),
      rationale: `moves an assumption's confidence by up to ${maxShift} points${testsOpenBelief ? " on a belief the canvas has not settled" : ""}`,
    },
    "market size": {
      score: clamp(money > 0 ? 0.6 * acvScore + 0.4 * moneyScore : acvScore),
      rationale: `${segment ? `segment ${segment.segment}${segment.acv ? ` (typical ACV ${showAmount(segment.acv, home)})` : ""}` : "no segment matched"}; ${moneyWords}`,
    },
    defensibility: {
      score: clamp(0.3 + 0.15 * moatHits),
      rationale: `${moatHits} moat signal(s) in the event (exclusivity, integration, long terms, switching costs...)`,
    },
    "revenue impact": { score: money > 0 ? moneyScore : 0.2, rationale: moneyWords },
    "time to cash": {
      score: kind.cash,
      rationale: `a ${kind.kind} event: ${kind.cash >= 0.8 ? "cash is contracted" : kind.cash >= 0.5 ? "cash is one step away" : "cash is several steps away"}`,
    },
    margin: {
      score: clamp(0.6 - 0.12 * marginHits + 0.05 * moatHits),
      rationale: `${marginHits} margin risk(s) (discounts, free work, refunds) against ${moatHits} premium signal(s)`,
    },
  };
  const names = impactFactorNames(context.canvas.mode, context.canvas.profitableOrFunded);
  const factors = names.map((name) => ({
    name,
    score: round2(scores[name]!.score),
    rationale: scores[name]!.rationale,
  }));
  return { factors, impact_score: impactScore(factors.map((factor) => factor.score)), money, marginHits };
}

export function draftImplication(context: StageContext): ImplicationOutput {
  const { reading, kind } = understood(context);
  const hypothesis = context.outputs.hypothesis;
  const input = context.outputs.input;
  const facts = input?.facts ?? extractFacts(reading.text, new Date(`${context.event.date}T12:00:00Z`));
  const { factors, impact_score, marginHits } = draftFactors(context, reading, kind, facts, hypothesis);

  const quantified = facts
    .filter((fact) => fact.kind === "money" || fact.kind === "percent")
    .slice(0, 6)
    .map((fact) => ({
      metric: fact.kind === "money" ? (/ARR|MRR|ACV/i.exec(fact.text)?.[0] ?? "Money") : "Change",
      value: fact.text,
      basis: "stated in the event",
    }));
  for (const test of hypothesis?.tests ?? []) {
    if (test.assumption_id !== "NEW") {
      quantified.push({
        metric: `${test.assumption_id} confidence`,
        value: `${test.previous_confidence}% -> ${test.proposed_confidence}%`,
        basis: "hypothesis stage",
      });
    }
  }
  const plan = planFor(kind, hypothesis, context.pins?.assumptions !== undefined);
  const templates = plan.actions
    .map((action) => context.actionTemplates.get(action.type))
    .filter((template) => template !== undefined);
  const days = templates.reduce((sum, template) => sum + template.action.duration_days, 0);
  const ids = (hypothesis?.tests ?? []).map((test) => test.assumption_id).join(", ") || "the canvas";
  const risks = [`One event is thin evidence for ${ids}: confidence should move again only as more threads agree.`];
  if (kind.polarity === "negative")
    risks.push("If the cause is not found quickly, the same loss or decline repeats in other threads.");
  if ((input?.organizations.length ?? 0) > 0 && plan.actions.some((action) => action.type.startsWith("marketing:"))) {
    risks.push(`Publishing ${possessive(input!.organizations[0]!)} results needs the customer's written permission.`);
  }
  if (marginHits > 0) risks.push("Price pressure in the event may erode margin if answered with discounts.");
  const dependencies = templates
    .filter((template) => needsHuman(template))
    .map(
      (template) =>
        `a human to approve ${template.action.type} (${reportsOutcome(template) ? "owned by a person" : "leaves the machine"})`,
    );

  return {
    mode: context.canvas.mode,
    factors,
    impact_score,
    quantified,
    risks,
    dependencies,
    timeline:
      templates.length > 0
        ? `about ${days} days for ${templates.map((template) => template.action.type).join(" -> ")}`
        : "no follow-up work planned",
    ...statedMoney(reading, kind, workspaceCurrency(context.canvas)),
    ...builtOn(context, before("implication")),
  };
}

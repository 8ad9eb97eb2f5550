import { sectionText } from "../../canvas/canvas.js";
import { MOST_POINTS_PER_EVENT } from "../../stages/confidenceMoves.js";
import type { StageContext } from "../../stages/context.js";
import { impactFactorNames, impactScore } from "../../stages/impact.js";
import type { Fact, HypothesisOutput, ImplicationOutput } from "../../core/stageSchemas.js";
import type { z } from "zod";
import { readMetric } from "../../canvas/metrics.js";
import { amountsIn, showAmount, workspaceCurrency } from "../../text/money.js";
import type { Reading } from "../../text/reading.js";
import { matchSegment } from "../../text/relevance.js";
import { countCues, offlineRules, type EventKind } from "./rules.js";

// The impact factors by rules. Each score is 0-1; the stage's impact score is their mean (see
// stages/impact.ts), and a decision waits for a person at the workspace's threshold (0.8 by default).

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

// LeanOS's revenue horizons, ROI and sensitivity, only where the event gives the figures: each sum is
// one the event states in the workspace's currency, in a sentence that says it comes in (a quote turned
// down, a credit, a loss is no revenue). Nothing is estimated: an ROI needs a stated cost, a
// sensitivity a stated range.
const NOT_REVENUE =
  /\b(quoted|turned (?:it )?down|declined|credited|refund\w*|lost|churn\w*|discount\w*|competitor)\b/i;
const ONE_TIME = /\b(one[- ]time|implementation|setup|set-up|onboarding fee|upfront)\b/i;
const RECURRING =
  /\b(ARR|MRR|ACV|per (?:year|month|annum)|a year|a month|annual(?:ly)?|yearly|monthly|\/(?:yr|year|mo|month))\b/i;
const COST = /\b(costs?|spend|spent|budget(?:ed)?|invest(?:ed|ment)?|we pay|paid out)\b/i;
const RANGE_JOIN = /^\s*(?:-|–|to)\s*$/;

export function statedMoney(
  reading: Reading,
  kind: EventKind,
  home: string,
): Pick<ImplicationOutput, "revenue" | "roi" | "sensitivity"> {
  if (kind.polarity === "negative") return {};
  const revenue: NonNullable<ImplicationOutput["revenue"]> = { immediate: [], short_term: [], long_term: [] };
  let yearRevenue = 0;
  let cost = 0;
  const costs: string[] = [];
  let sensitivity: ImplicationOutput["sensitivity"];
  const seen = new Set<string>();
  const yearly: number[] = [];
  for (const sentence of reading.sentences) {
    const sums = amountsIn(sentence, home).filter((sum) => sum.currency === home);
    for (const [index, sum] of sums.entries()) {
      const next = sums[index + 1];
      const around = sentence.slice(Math.max(0, sum.index - 40), sum.end + 30);
      if (!sensitivity && next && RANGE_JOIN.test(sentence.slice(sum.end, next.index)) && next.value > sum.value) {
        sensitivity = {
          best_case: showAmount(next.value, home),
          expected_case: showAmount((sum.value + next.value) / 2, home),
          worst_case: showAmount(sum.value, home),
          basis: `the range ${sentence.slice(sum.index, next.end)} stated in the event (expected: its midpoint)`,
        };
      }
      if (COST.test(around) && !RECURRING.test(sentence.slice(sum.end, sum.end + 12))) {
        cost += sum.value;
        costs.push(sum.text);
        continue;
      }
      if (NOT_REVENUE.test(around)) continue;
      // What the sum is, read up to the next sum only ("$1.1M ARR, $120K one-time").
      const unit = sentence.slice(sum.end, Math.min(next?.index ?? sentence.length, sum.end + 30));
      const oneTime = ONE_TIME.exec(unit)?.[0];
      const recurring = RECURRING.exec(unit)?.[0];
      if (oneTime && !seen.has(`once ${sum.value}`)) {
        seen.add(`once ${sum.value}`);
        revenue.immediate.push({ amount: `${sum.text} ${oneTime}`, basis: "a one-time sum stated in the event" });
        yearRevenue += sum.value;
      } else if (recurring && !oneTime) {
        const monthly = /^(MRR|per month|a month|monthly|\/mo(?:nth)?)$/i.test(recurring);
        const year = monthly ? sum.value * 12 : sum.value;
        if (seen.has(`year ${year}`)) continue;
        seen.add(`year ${year}`);
        yearly.push(year);
        revenue.short_term.push({
          amount: `${showAmount(year, home)} over 12 months`,
          basis: `${sum.text} ${recurring} stated in the event${monthly ? " (12 months of it)" : ""}`,
        });
        yearRevenue += year;
      }
    }
  }
  // A multi-year term at the one recurring sum the event states: that sum for each year of it.
  const term = /\b(\d+)-year term\b/i.exec(reading.text);
  if (term && Number(term[1]) > 1 && yearly.length === 1) {
    revenue.long_term.push({
      amount: `${showAmount(yearly[0]! * Number(term[1]), home)} over the ${term[1]}-year term`,
      basis: `the ${term[0]} stated in the event, at its stated recurring sum`,
    });
  }
  const some = revenue.immediate.length + revenue.short_term.length + revenue.long_term.length > 0;
  const roi: ImplicationOutput["roi"] =
    some && cost > 0 && yearRevenue > 0
      ? {
          total_revenue_12mo: showAmount(yearRevenue, home),
          total_cost_12mo: showAmount(cost, home),
          net_profit_12mo: showAmount(yearRevenue - cost, home),
          roi: `${Math.round(((yearRevenue - cost) / cost) * 100)}%`,
          basis: `revenue and costs (${costs.join(", ")}) as the event states them`,
        }
      : undefined;
  return { ...(some ? { revenue } : {}), ...(roi ? { roi } : {}), ...(sensitivity ? { sensitivity } : {}) };
}

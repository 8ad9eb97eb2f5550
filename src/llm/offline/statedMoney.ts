import type { ImplicationOutput } from "../../core/stageSchemas.js";
import { amountsIn, showAmount } from "../../text/money.js";
import type { Reading } from "../../text/reading.js";
import type { EventKind } from "./rules.js";

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

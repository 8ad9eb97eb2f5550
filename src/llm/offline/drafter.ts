import Mustache from "mustache";
import type { PromptBasis } from "../layout.js";
import type { StageContext } from "../../stages/context.js";
import { impactFactorNames, impactScore } from "../../stages/impact.js";
import type {
  ActionsOutput,
  DecisionOutput,
  HypothesisOutput,
  ImplicationOutput,
  InputOutput,
  LearningOutput,
  SectionsOutput,
  StageOutputs,
} from "../../stages/schemas.js";
import { companyName } from "../prompt.js";
import type { Classification, DraftRequest, StageDrafter } from "../provider.js";
import { extractFacts, extractNames, headline, sentences } from "./extract.js";
import { formatMoney, parseMoney, readMetric } from "../../canvas/metrics.js";
import { matchSegment, rankAssumptions, termsOf } from "./relevance.js";
import { countCues, detectKind, offlineRules, type EventKind } from "./rules.js";
import { addDays } from "../../files/dates.js";

// The offline provider: a deterministic drafter that does each stage's work by rules from the event
// text and the canvas. No network; the same input always gives the same draft.

const clamp = (value: number, low = 0, high = 1): number => Math.min(high, Math.max(low, value));
const round2 = (value: number): number => Math.round(value * 100) / 100;
const PERCENT = /(\d+(?:\.\d+)?)\s?%/g;

/** Each percentage in a text with the content words on either side of it (what it is a figure of). */
function percentsIn(text: string): Array<{ value: number; context: Set<string> }> {
  return [...text.matchAll(PERCENT)].map((match) => {
    const before = text.slice(Math.max(0, match.index! - 60), match.index!);
    const after = text.slice(match.index! + match[0].length, match.index! + match[0].length + 60);
    return { value: Number(match[1]), context: termsOf(`${before.split(/[.;:]/).at(-1) ?? ""} ${after.split(/[.;:]/)[0] ?? ""}`) };
  });
}

// A bar such as "30% better than" is a relative claim: only a figure of a change can meet it, not a rate.
const COMPARATIVE_WORDS = new Set(["better", "more", "higher", "lower", "fewer", "faster", "cheaper", "than"]);
const CHANGE_WORDS = new Set(["better", "lift", "more", "higher", "lower", "fewer", "up", "down", "reduction", "reduced", "reduce", "improvement", "increase", "decrease", "drop", "than", "vs"]);
const isComparative = (context: Set<string>): boolean => [...context].some((term) => COMPARATIVE_WORDS.has(term));

/** The first percentage of an assumption: the bar an event clears or misses. */
function percentNear(text: string): { value: number; context: Set<string> } | undefined {
  return percentsIn(text)[0];
}

function eventView(context: StageContext, input: InputOutput | undefined): Record<string, string> {
  const names = input ?? { organizations: [] as string[], segment: null as string | null, title: headline(context.event.text) };
  return {
    org: names.organizations[0] ?? "the customer",
    segment: names.segment ?? "target",
    title: names.title,
  };
}

/** The plan for this event: the kind's actions, or its `when_challenged` plan when the tests went against the canvas. */
function planFor(kind: EventKind, hypothesis: HypothesisOutput | undefined): Pick<EventKind, "verdict" | "statement" | "actions"> {
  const challenged = hypothesis?.tests.some((test) => test.direction === "challenges" || test.direction === "invalidates") ?? false;
  const validated = hypothesis?.tests.some((test) => test.direction === "validates") ?? false;
  if (kind.when_challenged && challenged && !validated) return kind.when_challenged;
  return kind;
}

export class OfflineDrafter implements StageDrafter {
  readonly provider = "offline";
  readonly model = "rules-v1";

  async classify(event: { text: string }, _basis: PromptBasis): Promise<Classification> {
    return { type: detectKind(event.text).type, title: headline(event.text) };
  }

  async draft(request: DraftRequest): Promise<{ output: unknown }> {
    const drafts: { [K in keyof StageOutputs]: (context: StageContext) => StageOutputs[K] } = {
      input: (context) => this.input(context),
      hypothesis: (context) => this.hypothesis(context),
      implication: (context) => this.implication(context),
      decision: (context) => this.decision(context),
      actions: (context) => this.actions(context),
      learning: (context) => this.learning(context),
      sections: (context) => this.sections(context),
    };
    return { output: drafts[request.schemaName](request.context) };
  }

  private input(context: StageContext): InputOutput {
    const { text, date, source } = context.event;
    const reference = new Date(`${date}T12:00:00Z`);
    const names = extractNames(text, companyName(context.canvas));
    const instructions = offlineRules().instruction_cues;
    const summary = sentences(text)
      .filter((sentence) => countCues(sentence, instructions) === 0)
      .slice(0, 4)
      .join(" ")
      .replace(/^[-*]\s+/, "");
    return {
      title: headline(text),
      summary: summary.length > 0 ? summary : text.trim().slice(0, 400),
      type: context.type,
      occurred_on: date,
      source,
      facts: extractFacts(text, reference),
      organizations: names.organizations,
      people: names.people,
      segment: matchSegment(context.workspaceRoot, text)?.segment ?? null,
    };
  }

  private hypothesis(context: StageContext): HypothesisOutput {
    const text = context.event.text;
    const rules = offlineRules();
    const kind = detectKind(text);
    const ranked = rankAssumptions(context.canvas.assumptions, text);
    const top = ranked[0];
    // Keep the best match and any close second: an event often tests two related beliefs.
    const chosen = top && top.score >= 0.75 ? ranked.filter((entry, index) => index === 0 || (index < 3 && entry.score >= top.score * 0.6)) : [];
    const eventSentences = sentences(text);
    const tests: HypothesisOutput["tests"] = chosen.map(({ assumption }) => {
      const assumptionTerms = termsOf(`${assumption.title} ${assumption.hypothesis}`);
      const related = eventSentences.filter((sentence) => [...termsOf(sentence)].some((term) => assumptionTerms.has(term)));
      const evidenceText = (related.length > 0 ? related : eventSentences.slice(0, 1)).join(" ");
      // A number in the assumption is a bar the event either clears or misses.
      const bar = percentNear(`${assumption.title} ${assumption.hypothesis}`);
      // Only a figure about the same thing counts: "29% returns" says nothing of a "30% better conversion" bar.
      const measured = bar
        ? percentsIn(evidenceText).find(
            (figure) => [...figure.context].some((term) => bar.context.has(term)) && (!isComparative(bar.context) || [...figure.context].some((term) => CHANGE_WORDS.has(term))),
          )?.value
        : undefined;
      let direction: "validates" | "challenges" | "invalidates";
      if (bar && measured) {
        direction = measured >= bar.value ? "validates" : measured < bar.value / 2 ? "invalidates" : "challenges";
      } else {
        const lean = countCues(evidenceText, rules.positive_cues) - countCues(evidenceText, rules.negative_cues);
        const polarity = lean !== 0 ? Math.sign(lean) : kind.polarity === "positive" ? 1 : kind.polarity === "negative" ? -1 : 0;
        direction = polarity >= 0 ? "validates" : assumption.status === "CHALLENGED" && kind.outcome_known ? "invalidates" : "challenges";
      }
      const numbers = extractFacts(evidenceText, new Date(`${context.event.date}T12:00:00Z`)).length;
      const strength = 10 + (kind.outcome_known ? 15 : 0) + Math.min(10, numbers * 5);
      const previous = assumption.confidence;
      const proposed =
        direction === "validates"
          ? Math.min(95, previous + strength)
          : direction === "challenges"
            ? Math.max(5, previous - Math.round(strength * 0.6))
            : Math.min(previous, 20);
      return {
        assumption_id: assumption.id,
        title: assumption.title,
        direction,
        previous_confidence: previous,
        proposed_confidence: proposed,
        evidence: evidenceText.slice(0, 600),
      };
    });
    if (tests.length === 0) {
      tests.push({
        assumption_id: "NEW",
        title: `${headline(text)}: a belief the canvas does not state yet`,
        direction: "new",
        previous_confidence: null,
        proposed_confidence: 30,
        evidence: eventSentences.slice(0, 2).join(" ") || text.slice(0, 300),
      });
    }
    const summary = tests
      .map((test) =>
        test.assumption_id === "NEW"
          ? `No canvas assumption covers this event; proposes a new one (confidence ${test.proposed_confidence}%).`
          : `${test.direction} ${test.assumption_id} (${test.title}): ${test.previous_confidence}% -> ${test.proposed_confidence}%.`,
      )
      .join(" ");
    return { tests, summary: this.withFeedback(summary, context) };
  }

  private implication(context: StageContext): ImplicationOutput {
    const text = context.event.text;
    const rules = offlineRules();
    const kind = detectKind(text);
    const input = context.outputs.input;
    const hypothesis = context.outputs.hypothesis;
    const facts = input?.facts ?? extractFacts(text, new Date(`${context.event.date}T12:00:00Z`));
    const money = Math.max(0, ...facts.filter((fact) => fact.kind === "money").map((fact) => fact.value ?? 0));
    const moneyScore = money > 0 ? clamp(Math.log10(money / 10_000) / 2) : 0;
    const maxShift = Math.max(0, ...(hypothesis?.tests ?? []).map((test) => Math.abs(test.proposed_confidence - (test.previous_confidence ?? test.proposed_confidence))));
    const testsOpenBelief = (hypothesis?.tests ?? []).some((test) => {
      const assumption = context.canvas.assumptions.find((candidate) => candidate.id === test.assumption_id);
      return assumption !== undefined && assumption.status !== "VALIDATED";
    });
    const segment = matchSegment(context.workspaceRoot, text);
    const acvScore = segment?.acv ? clamp(Math.log10(segment.acv / 5_000) / 2.3) : 0.5;
    const moatHits = countCues(text, rules.moat_cues);
    const marginHits = countCues(text, rules.margin_cues);
    const names = impactFactorNames(context.canvas.mode, context.canvas.profitableOrFunded);
    const moneyWords = money > 0 ? `$${money.toLocaleString("en-US")} named in the event` : "no money named in the event";

    const scores: Record<string, { score: number; rationale: string }> = {
      "strategic value": {
        score: clamp(0.3 + 0.5 * clamp(maxShift / 40) + (testsOpenBelief ? 0.2 : 0)),
        rationale: `moves an assumption's confidence by up to ${maxShift} points${testsOpenBelief ? " on a belief the canvas has not settled" : ""}`,
      },
      "market size": {
        score: clamp(money > 0 ? 0.6 * acvScore + 0.4 * moneyScore : acvScore),
        rationale: `${segment ? `segment ${segment.segment}${segment.acv ? ` (typical ACV $${segment.acv.toLocaleString("en-US")})` : ""}` : "no segment matched"}; ${moneyWords}`,
      },
      defensibility: {
        score: clamp(0.3 + 0.15 * moatHits),
        rationale: `${moatHits} moat signal(s) in the event (white-label, contracts, integration, data, accuracy...)`,
      },
      "revenue impact": { score: money > 0 ? moneyScore : 0.2, rationale: moneyWords },
      "time to cash": { score: kind.cash, rationale: `a ${kind.kind} event: ${kind.cash >= 0.8 ? "cash is contracted" : kind.cash >= 0.5 ? "cash is one step away" : "cash is several steps away"}` },
      margin: {
        score: clamp(0.6 - 0.12 * marginHits + 0.05 * moatHits),
        rationale: `${marginHits} margin risk(s) (discounts, free tiers, refunds) against ${moatHits} premium signal(s)`,
      },
    };
    const factors = names.map((name) => ({ name, score: round2(scores[name]!.score), rationale: scores[name]!.rationale }));

    const quantified = facts
      .filter((fact) => fact.kind === "money" || fact.kind === "percent")
      .slice(0, 6)
      .map((fact) => ({ metric: fact.kind === "money" ? (/ARR|MRR|ACV/i.exec(fact.text)?.[0] ?? "Money") : "Change", value: fact.text, basis: "stated in the event" }));
    for (const test of hypothesis?.tests ?? []) {
      if (test.assumption_id !== "NEW") {
        quantified.push({ metric: `${test.assumption_id} confidence`, value: `${test.previous_confidence}% -> ${test.proposed_confidence}%`, basis: "hypothesis stage" });
      }
    }
    const plan = planFor(kind, hypothesis);
    const templates = plan.actions.map((action) => context.actionTemplates.get(action.type)).filter((template) => template !== undefined);
    const days = templates.reduce((sum, template) => sum + template.action.duration_days, 0);
    const ids = (hypothesis?.tests ?? []).map((test) => test.assumption_id).join(", ") || "the canvas";
    const risks = [`One event is thin evidence for ${ids}: confidence should move again only as more threads agree.`];
    if (kind.polarity === "negative") risks.push("If the cause is not found quickly, the same loss or decline repeats in other threads.");
    if ((input?.organizations.length ?? 0) > 0 && plan.actions.some((action) => action.type.startsWith("marketing:"))) {
      risks.push(`Publishing ${input!.organizations[0]}'s results needs the customer's written permission.`);
    }
    if (marginHits > 0) risks.push("Price pressure in the event may erode margin if answered with discounts.");
    const dependencies = templates
      .filter((template) => template.action.human_required)
      .map((template) => `a human to approve ${template.action.type} (${template.action.owner === "human" ? "owned by a person" : "leaves the machine"})`);

    return {
      mode: context.canvas.mode,
      factors,
      impact_score: impactScore(factors.map((factor) => factor.score)),
      quantified,
      risks,
      dependencies,
      timeline: templates.length > 0 ? `about ${days} days for ${templates.map((template) => template.action.type).join(" -> ")}` : "no follow-up work planned",
    };
  }

  private decision(context: StageContext): DecisionOutput {
    const text = context.event.text;
    const kind = detectKind(text);
    const hypothesis = context.outputs.hypothesis;
    const impact = context.outputs.implication?.impact_score;
    const view = eventView(context, context.outputs.input);
    const plan = planFor(kind, hypothesis);
    let verdict = plan.verdict;
    let statement = Mustache.render(plan.statement, view);
    // A reviewer's feedback that names a verdict is taken as the new verdict.
    const asked = /\b(PROCEED|DEFER|REJECT|INVESTIGATE)\b/i.exec(context.feedback ?? "")?.[1]?.toUpperCase() as DecisionOutput["verdict"] | undefined;
    if (asked && asked !== verdict) {
      verdict = asked;
      statement = `${asked}: ${statement.replace(/^[A-Z]+:\s*/, "")} (changed on review)`;
    }
    const actions =
      verdict === "REJECT" || verdict === "DEFER"
        ? []
        : plan.actions
            .filter((action) => context.actionTemplates.has(action.type))
            .map((action) => ({ type: action.type, title: Mustache.render(action.title, view) }));
    const tests = hypothesis?.tests ?? [];
    const rationale = [
      tests.length > 0 ? `The event ${tests.map((test) => `${test.direction} ${test.assumption_id}${test.assumption_id === "NEW" ? "" : ` (${test.previous_confidence}% -> ${test.proposed_confidence}%)`}`).join(", ")}.` : "",
      impact !== undefined ? `Impact score ${impact} against an approval threshold of ${context.approvalThreshold}.` : "",
      `Chosen over the alternatives because it acts on the evidence in the event with the least irreversible commitment.`,
    ]
      .filter((part) => part.length > 0)
      .join(" ");
    return {
      verdict,
      statement,
      alternatives: kind.alternatives.map((alternative) => ({ option: Mustache.render(alternative.option, view), reason: Mustache.render(alternative.reason, view) })),
      rationale: this.withFeedback(rationale, context),
      actions,
    };
  }

  private actions(context: StageContext): ActionsOutput {
    const decision = context.outputs.decision;
    const rejected = Object.entries(context.reviews).some(([, review]) => review.answer === "reject");
    const planned = rejected ? [] : (decision?.actions ?? []);
    let due = context.today;
    const actions = planned.map((action, index) => {
      const template = context.actionTemplates.get(action.type);
      due = addDays(due, template?.action.duration_days ?? 7);
      return {
        id: `act-${index + 1}`,
        type: action.type,
        title: action.title,
        owner: template?.action.owner ?? "human",
        human_required: template?.action.human_required ?? true,
        due,
        status: "pending" as const,
      };
    });
    const waiting = actions.filter((action) => action.human_required).length;
    const summary = rejected
      ? "The decision was rejected at review, so no actions are planned."
      : actions.length === 0
        ? `The decision (${decision?.verdict ?? "none"}) plans no actions.`
        : `${actions.length} action(s) planned; ${waiting} need a human before they run.`;
    return { actions, summary };
  }

  private learning(context: StageContext): LearningOutput {
    const text = context.event.text;
    const kind = detectKind(text);
    const hypothesis = context.outputs.hypothesis;
    const actions = context.outputs.actions?.actions ?? [];
    const facts = context.outputs.input?.facts ?? [];
    const metrics = facts
      .filter((fact) => fact.kind !== "date")
      .slice(0, 8)
      .map((fact) => ({ name: fact.kind, value: fact.text, source: context.event.source }));
    // A chain that reached a closing state (a deal won or lost) reports an outcome the event did not.
    // (A disqualified lead says nothing about the beliefs the thread tested.)
    const closing = actions.map((action) => action.closing).find((state) => state === "closed-won" || state === "closed-lost");
    const outcomeKnown = kind.outcome_known || closing !== undefined;
    const lostChain = closing !== undefined && closing !== "closed-won";
    const validations = (hypothesis?.tests ?? []).map((test) => {
      const direction = lostChain && test.direction === "validates" ? "challenges" : test.direction;
      const result = !outcomeKnown || direction === "new"
        ? ("pending" as const)
        : direction === "validates"
          ? ("success" as const)
          : direction === "challenges"
            ? ("partial" as const)
            : ("failure" as const);
      const before = test.previous_confidence ?? test.proposed_confidence;
      const after =
        result === "pending" ? before : direction === test.direction ? test.proposed_confidence : Math.max(5, before - 15);
      return {
        assumption_id: test.assumption_id,
        result,
        confidence_before: test.previous_confidence,
        confidence_after: after,
        reasoning:
          result === "pending"
            ? "The event does not report an outcome yet; the actions will."
            : closing
              ? `The chain ended ${closing}; the event ${test.direction} the assumption: ${test.evidence.slice(0, 160)}`
              : `The event ${test.direction} the assumption: ${test.evidence.slice(0, 200)}`,
      };
    });
    const canvasUpdates: LearningOutput["canvas_updates"] = [];
    for (const validation of validations) {
      if (validation.result === "pending" || validation.assumption_id === "NEW") continue;
      const assumption = context.canvas.assumptions.find((candidate) => candidate.id === validation.assumption_id);
      if (!assumption) continue;
      if (validation.confidence_after !== assumption.confidence) {
        canvasUpdates.push({ assumption_id: assumption.id, field: "confidence", from: String(assumption.confidence), to: String(validation.confidence_after) });
      }
      // A challenge never lifts an invalidated belief back to "challenged".
      const status =
        validation.result === "failure" || (validation.result === "partial" && assumption.status === "INVALIDATED")
          ? "INVALIDATED"
          : validation.result === "partial"
            ? "CHALLENGED"
            : validation.confidence_after >= 80
              ? "VALIDATED"
              : assumption.status;
      if (status !== assumption.status) canvasUpdates.push({ assumption_id: assumption.id, field: "status", from: assumption.status, to: status });
    }
    const impact = context.outputs.implication?.impact_score ?? 0.5;
    // One follow-up per direction: the strongest validated belief becomes a story to tell, the
    // weakest challenged one a business thread to rethink it.
    const titleOf = (id: string): string => hypothesis?.tests.find((test) => test.assumption_id === id)?.title ?? id;
    const opportunities: LearningOutput["opportunities"] = [];
    const gain = (validation: (typeof validations)[number]): number => validation.confidence_after - (validation.confidence_before ?? validation.confidence_after);
    const validated = validations.filter((validation) => validation.result === "success" && validation.confidence_after >= 80).sort((a, b) => gain(b) - gain(a))[0];
    // A thread whose own actions produced the story needs no separate case-study thread.
    const toldAlready = actions.some((action) => action.type === "marketing:create" && action.status === "completed");
    if (validated && !toldAlready) {
      opportunities.push({
        title: `Case study: ${titleOf(validated.assumption_id)}`,
        priority: round2(impact),
        rationale: `${validated.assumption_id} reached ${validated.confidence_after}% on this thread's evidence; a named customer story helps the next buyers in the segment.`,
        type: "marketing",
      });
    }
    const challenged = validations.filter((validation) => validation.result === "partial" || validation.result === "failure").sort((a, b) => a.confidence_after - b.confidence_after)[0];
    if (challenged) {
      opportunities.push({
        title: `Rethink ${challenged.assumption_id}: ${titleOf(challenged.assumption_id)}`,
        priority: round2(clamp(impact + 0.1)),
        rationale: `The event went against ${challenged.assumption_id} (now ${challenged.confidence_after}%); a business thread should decide what the canvas says instead.`,
        type: "business",
      });
    }
    const metricUpdates: LearningOutput["metric_updates"] = [];
    const arr = facts.find((fact) => fact.kind === "money" && /\bARR\b/.test(fact.text));
    const metricsText = context.canvas.sections.get("13-metrics")?.text ?? "";
    const currentArr = readMetric(metricsText, "ARR");
    const currentValue = currentArr ? parseMoney(currentArr) : null;
    if (kind.kind === "deal-won" && arr?.value && currentArr && currentValue !== null) {
      metricUpdates.push({ metric: "ARR", from: currentArr, to: formatMoney(currentValue + arr.value) });
    }
    const done = actions.filter((action) => action.status === "completed").length;
    const outcome = `${headline(text)}. ${closing ? `The action chain ended ${closing}.` : kind.outcome_known ? "The event reports its outcome." : "The outcome is not known yet."} ${actions.length} action(s), ${done} completed.`;
    return { outcome, metrics, validations, canvas_updates: canvasUpdates, metric_updates: metricUpdates, opportunities };
  }

  private sections(context: StageContext): SectionsOutput {
    const text = context.event.text;
    const headings = context.skill.stage.sections ?? ["Notes"];
    const eventSentences = sentences(text);
    const facts = context.outputs.input?.facts ?? [];
    const filled = headings.map((heading) => {
      const wanted = termsOf(heading);
      const related = eventSentences.filter((sentence) => [...termsOf(sentence)].some((term) => wanted.has(term)));
      const content =
        related.length > 0
          ? related.join(" ")
          : facts.length > 0
            ? `The event says nothing on ${heading.toLowerCase()} directly; its facts: ${facts.map((fact) => fact.text).join("; ")}.`
            : `The event says nothing on ${heading.toLowerCase()}.`;
      return { heading, content };
    });
    return { summary: this.withFeedback(context.outputs.input?.summary ?? headline(text), context), sections: filled };
  }

  private withFeedback(text: string, context: StageContext): string {
    return context.feedback ? `${text} Revised after review feedback: "${context.feedback}".` : text;
  }
}

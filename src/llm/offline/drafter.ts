import type { PromptBasis } from "../../stages/drafter.js";
import type { RawEvent, StageContext } from "../../stages/context.js";
import type {
  ActionsOutput,
  DecisionOutput,
  DraftConfidence,
  HypothesisOutput,
  ImplicationOutput,
  InputOutput,
  LearningOutput,
  SectionsOutput,
  StageOutputs,
} from "../../core/stageSchemas.js";
import { companyName } from "../../canvas/canvas.js";
import type { Classification, DraftRequest, RuleRequest, StageDrafter } from "../../stages/drafter.js";
import { proposeOffline } from "./proposer.js";
import { hypothesisConfidence, inherited, inputConfidence } from "./confidence.js";
import { extractFacts, extractNames } from "../../text/extract.js";
import { draftHypothesis } from "./hypothesis.js";
import { draftLearning } from "./learning.js";
import { draftFactors, statedMoney } from "./implication.js";
import { draftDecisionRecord } from "./decisionRecord.js";
import { workspaceCurrency } from "../../text/money.js";
import { eventTitle, readReport, type Reading } from "../../text/reading.js";
import { matchSegment, termsOf } from "../../text/relevance.js";
import { detectKind, namesDealValue, offlineRules, threadTypeOf, type EventKind } from "./rules.js";
import { canonicalType, DEFAULT_THREAD_TYPES, kindOfType } from "../../core/threadTypes.js";
import { addDays } from "../../files/dates.js";
import { withTests } from "../../stages/pins.js";
import { taughtAssumptions, taughtType, taughtVerdict } from "./learned.js";
import { possessive, renderTitle } from "../../files/plainTemplate.js";

// The offline provider: a deterministic drafter that does each stage's work by rules from the event
// text and the canvas. No network; the same input always gives the same draft.

/** What the rules read of this thread's event, and its kind (by its origin, or by what it reports). */
function understood(context: StageContext): { reading: Reading; kind: EventKind } {
  const reading = readReport(context.event.text);
  // The rules know LeanOS's kinds: operations, and every type a workspace declares, is read as business.
  return { reading, kind: detectKind(reading, context.event.origin, kindOfType(context.type)) };
}

function eventView(context: StageContext, input: InputOutput | undefined): Record<string, string> {
  const names = input ?? {
    organizations: [] as string[],
    segment: null as string | null,
    title: eventTitle(readReport(context.event.text), context.event.text),
  };
  const org = names.organizations[0] ?? "the customer";
  return {
    org,
    org_possessive: possessive(org),
    segment: names.segment ?? "target",
    title: names.title,
  };
}

/**
 * The plan for this event: the kind's actions, its `when_invalidated` plan when a test disproved an
 * assumption (a disproof outweighs a support elsewhere), or its `when_challenged` plan when the tests
 * went against the canvas and supported none of it.
 */
function planFor(
  kind: EventKind,
  hypothesis: HypothesisOutput | undefined,
  corrected = false,
): Pick<EventKind, "verdict" | "statement" | "actions"> {
  const directions = new Set(hypothesis?.tests.map((test) => test.direction) ?? []);
  const against = (directions.has("challenges") || directions.has("invalidates")) && !directions.has("validates");
  if (kind.when_invalidated && directions.has("invalidates")) return kind.when_invalidated;
  if (kind.when_challenged && against) return kind.when_challenged;
  // A person said the event goes against the canvas: a plan for good news does not follow from that.
  if (corrected && against && kind.verdict === "PROCEED") return offlineRules().when_corrected_against;
  return kind;
}

// The stages in the order they build on one another: a stage's confidence is inherited from those before it.
const CHAIN = ["input", "hypothesis", "implication", "decision", "actions", "learning"] as const;
type Chained = (typeof CHAIN)[number];

/** How sure the rules are of the input stage's reading of this thread's event (confidence.ts). */
function readingConfidence(context: StageContext): DraftConfidence {
  const { reading, kind } = understood(context);
  return inputConfidence(context.event, reading, kind, workspaceCurrency(context.canvas));
}

/** How sure the rules are of the assumptions these tests were drafted on. */
function testsConfidence(context: StageContext, tests: HypothesisOutput["tests"]): DraftConfidence {
  return hypothesisConfidence(context.canvas.assumptions, understood(context).reading, tests);
}

/**
 * The confidence of a stage that builds on the earlier ones: the least of theirs, with all their
 * reasons (confidence.ts inherited). Each earlier stage's is the one its draft carries; an input or
 * hypothesis drafted without one (by another drafter, or absent from a workspace's graph) is judged
 * again by the rules, as its doubts are the event's, whoever drafted it.
 */
function builtOn(context: StageContext, stages: readonly Chained[]): { confidence?: DraftConfidence } {
  const outputs = context.outputs;
  const confidences = stages.map((stage) => {
    const said = outputs[stage]?.confidence;
    if (said) return said;
    if (stage === "input") return readingConfidence(context);
    if (stage === "hypothesis" && outputs.hypothesis) return testsConfidence(context, outputs.hypothesis.tests);
    return undefined;
  });
  const confidence = inherited(confidences);
  return confidence ? { confidence } : {};
}

/** The stages before `stage` in the chain. */
const before = (stage: Chained): Chained[] => CHAIN.slice(0, CHAIN.indexOf(stage));

export class OfflineDrafter implements StageDrafter {
  readonly provider = "offline";
  readonly model = "rules-v1";

  async classify(event: RawEvent, basis: PromptBasis): Promise<Classification> {
    const reading = readReport(event.text);
    const kind = detectKind(reading, event.origin);
    const namesAccount = extractNames(reading.text, companyName(basis.canvas)).organizations.length > 0;
    // The rules read a LeanOS kind (business as such: the claim names it as the workspace does); a
    // type the memory teaches is taken while the workspace still knows it.
    const type = threadTypeOf(kind, namesAccount, namesDealValue(reading.text));
    const taught = taughtType(basis.lessons, event.text)?.value;
    const known =
      taught !== undefined && canonicalType(basis.threadTypes ?? DEFAULT_THREAD_TYPES, taught) !== undefined;
    return { type: known ? taught : type, title: eventTitle(reading, event.text) };
  }

  async proposeRule(request: RuleRequest): Promise<{ candidate: unknown }> {
    return { candidate: proposeOffline(request) };
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
    const { date, source } = context.event;
    const { reading } = understood(context);
    const reference = new Date(`${date}T12:00:00Z`);
    const names = extractNames(reading.text, companyName(context.canvas));
    const summary = reading.sentences.slice(0, 4).join(" ");
    const typed = this.typeTaught(context);
    return {
      title: eventTitle(reading, context.event.text),
      summary:
        (summary.length > 0 ? summary : "The event reports nothing the rules can read.") +
        (typed ? ` (read as a ${context.type} thread ${typed})` : ""),
      type: context.type,
      occurred_on: date,
      source,
      facts: extractFacts(reading.text, reference),
      organizations: names.organizations,
      people: names.people,
      segment: matchSegment(context.workspaceRoot, reading.text)?.segment ?? null,
      confidence: readingConfidence(context),
    };
  }

  private hypothesis(context: StageContext): HypothesisOutput {
    const { tests, from } = this.testsOf(context);
    const summary = tests
      .map((test) =>
        test.assumption_id === "NEW"
          ? `No canvas assumption covers this event; proposes a new one (confidence ${test.proposed_confidence}%).`
          : `${test.direction} ${test.assumption_id} (${test.title}): ${test.previous_confidence}% -> ${test.proposed_confidence}%.`,
      )
      .join(" ");
    const said = from ? `${summary} (tested ${from})` : summary;
    return { tests, summary: this.withFeedback(said, context), confidence: testsConfidence(context, tests) };
  }

  /** The tests the rules draft, or those the workspace's memory teaches for the event, and where those came from. */
  private testsOf(context: StageContext): { tests: HypothesisOutput["tests"]; from?: string } {
    const { reading, kind } = understood(context);
    const drafted = draftHypothesis(context, reading, kind);
    const read = drafted.tests.map((test) => ({ id: test.assumption_id, direction: test.direction }));
    const learned = taughtAssumptions(context.lessons, context.event.text, read);
    if (!learned) return drafted;
    return {
      tests: withTests(
        { ...drafted, summary: "" },
        learned.value,
        context.canvas,
        learned.from.replace(/^as in /, "the reading of "),
      ).tests,
      from: learned.from,
    };
  }

  /** Where the thread's type came from, when the workspace's memory taught it (classify read it the same way). */
  private typeTaught(context: StageContext): string | undefined {
    const learned = taughtType(context.lessons, context.event.text);
    return learned && learned.value === context.type ? learned.from : undefined;
  }

  private implication(context: StageContext): ImplicationOutput {
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
      .filter((template) => template.action.human_required)
      .map(
        (template) =>
          `a human to approve ${template.action.type} (${template.action.owner === "human" ? "owned by a person" : "leaves the machine"})`,
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

  private decision(context: StageContext): DecisionOutput {
    const { kind } = understood(context);
    const hypothesis = context.outputs.hypothesis;
    const impact = context.outputs.implication?.impact_score;
    const view = eventView(context, context.outputs.input);
    // Whether the memory taught the tests does not depend on what the rules read, so the hypothesis is not drafted again to ask.
    const plan = planFor(
      kind,
      hypothesis,
      context.pins?.assumptions !== undefined ||
        taughtAssumptions(context.lessons, context.event.text, []) !== undefined,
    );
    let verdict = plan.verdict;
    let statement = renderTitle(plan.statement, view);
    // A reviewer's feedback that names a verdict is taken as the new verdict.
    // So is a verdict a person set by correcting the reading.
    const asked =
      context.pins?.verdict ??
      (/\b(PROCEED|DEFER|REJECT|INVESTIGATE)\b/i.exec(context.feedback ?? "")?.[1]?.toUpperCase() as
        DecisionOutput["verdict"] | undefined);
    // Else the verdict the workspace's memory teaches for such an event.
    const learned = asked ? undefined : taughtVerdict(context.lessons, context.event.text);
    if (asked && asked !== verdict) {
      verdict = asked;
      statement = `${asked}: ${statement.replace(/^[A-Z]+:\s*/, "")} (changed on review)`;
    } else if (learned) {
      verdict = learned.value;
      statement = `${verdict}: ${statement.replace(/^[A-Z]+:\s*/, "")}`;
    }
    const actions =
      verdict === "REJECT" || verdict === "DEFER"
        ? []
        : plan.actions
            .filter((action) => context.actionTemplates.has(action.type))
            .map((action) => ({ type: action.type, title: renderTitle(action.title, view) }));
    const tests = hypothesis?.tests ?? [];
    const rationale = [
      tests.length > 0
        ? `The event ${tests.map((test) => `${test.direction} ${test.assumption_id}${test.assumption_id === "NEW" ? "" : ` (${test.previous_confidence}% -> ${test.proposed_confidence}%)`}`).join(", ")}.`
        : "",
      impact !== undefined
        ? `Impact score ${impact} against an approval threshold of ${context.approvalThreshold}.`
        : "",
      `Chosen over the alternatives because it acts on the evidence in the event with the least irreversible commitment.`,
    ]
      .filter((part) => part.length > 0)
      .join(" ");
    const alternatives = kind.alternatives.map((alternative) => ({
      option: renderTitle(alternative.option, view),
      reason: renderTitle(alternative.reason, view),
    }));
    return {
      verdict,
      statement,
      alternatives,
      rationale: this.withFeedback(learned ? `${rationale} (decided ${learned.from})` : rationale, context),
      actions,
      ...draftDecisionRecord(context, { verdict, actions, alternatives }),
      ...builtOn(context, before("decision")),
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
    return { actions, summary, ...builtOn(context, before("actions")) };
  }

  private learning(context: StageContext): LearningOutput {
    return { ...draftLearning(context, understood(context).kind), ...builtOn(context, before("learning")) };
  }

  private sections(context: StageContext): SectionsOutput {
    const { reading } = understood(context);
    const headings = context.skill.stage.sections ?? ["Notes"];
    const eventSentences = reading.sentences;
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
    // A workspace's own stage builds on whichever stages ran before it.
    const earlier = CHAIN.filter((stage) => stage === "input" || context.outputs[stage] !== undefined);
    return {
      summary: this.withFeedback(context.outputs.input?.summary ?? eventTitle(reading, context.event.text), context),
      sections: filled,
      ...builtOn(context, earlier),
    };
  }

  private withFeedback(text: string, context: StageContext): string {
    return context.feedback ? `${text} Revised after review feedback: "${context.feedback}".` : text;
  }
}

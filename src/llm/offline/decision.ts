import { offlineValuesNote } from "../../values/offlineNote.js";
import type { StageContext } from "../../stages/context.js";
import type { DecisionOutput } from "../../core/stageSchemas.js";
import { renderTitle } from "../../files/plainTemplate.js";
import { draftDecisionRecord } from "./decisionRecord.js";
import { taughtAssumptions, taughtVerdict } from "./learned.js";
import { eventView, planFor } from "./plan.js";
import { before, builtOn, understood, withFeedback } from "./stageBasis.js";

// The decision stage by rules: the plan's verdict (or the one a reviewer, a correction or the
// workspace's memory gives), its actions, the alternatives the kind lists, and why.

export function draftDecision(context: StageContext): DecisionOutput {
  const { kind } = understood(context);
  const hypothesis = context.outputs.hypothesis;
  const impact = context.outputs.implication?.impact_score;
  const view = eventView(context, context.outputs.input);
  // Whether the memory taught the tests does not depend on what the rules read, so the hypothesis is not drafted again to ask.
  const plan = planFor(
    kind,
    hypothesis,
    context.pins?.assumptions !== undefined || taughtAssumptions(context.lessons, context.event.text, []) !== undefined,
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
  const rationale =
    rationaleOf(context, impact) +
    (context.values ? ` ${offlineValuesNote(context.values, context.type, context.event.text)}` : "");
  const alternatives = kind.alternatives.map((alternative) => ({
    option: renderTitle(alternative.option, view),
    reason: renderTitle(alternative.reason, view),
  }));
  return {
    verdict,
    statement,
    alternatives,
    rationale: withFeedback(learned ? `${rationale} (decided ${learned.from})` : rationale, context),
    actions,
    ...draftDecisionRecord(context, { verdict, actions, alternatives }),
    ...builtOn(context, before("decision")),
  };
}

/** Why: what the event does to the assumptions tested, the impact against the threshold, the choice. */
function rationaleOf(context: StageContext, impact: number | undefined): string {
  const tests = context.outputs.hypothesis?.tests ?? [];
  return [
    tests.length > 0
      ? `The event ${tests.map((test) => `${test.direction} ${test.assumption_id}${test.assumption_id === "NEW" ? "" : ` (${test.previous_confidence}% -> ${test.proposed_confidence}%)`}`).join(", ")}.`
      : "",
    impact !== undefined ? `Impact score ${impact} against an approval threshold of ${context.approvalThreshold}.` : "",
    `Chosen over the alternatives because it acts on the evidence in the event with the least irreversible commitment.`,
  ]
    .filter((part) => part.length > 0)
    .join(" ");
}

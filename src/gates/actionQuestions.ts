import { reportsOutcome, sendsOut } from "../core/policy.js";
import type { GateKind } from "../core/gateKind.js";
import type { Review } from "../core/review.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import type { InputWait, MissingInput } from "../actions/inputs.js";
import { fillBeforeAccepting, type Unpublishable } from "../actions/publishable.js";
import type { ActionTemplate } from "../stages/context.js";
import type { LogEntry } from "../threads/stageFiles.js";
import { editedValues, reviewOf, type GateQuestion, type GateResponse } from "./wire.js";

// What the action gate asks a person, and what their answer does to the action: pure, given what the
// node read of the workspace (the documents still unsendable, the inputs still missing). The words
// name the answers (accept, edit, reject), never a CLI command: Agent Inbox and any LangGraph client
// show the description as it is.

/** Where the question is asked; `draft` is the stage's file, shown when the action has no material. */
export interface AskedAt {
  thread: string;
  kind: GateKind;
  node: string;
  stage: string;
  impact: number | null;
  draft: string;
}

const infoOf = (at: AskedAt, action: PlannedAction, question: string) => ({
  thread: at.thread,
  kind: at.kind,
  node: at.node,
  stage: at.stage,
  question,
  impact: at.impact,
  action_id: action.id,
  draft: action.artifacts?.[0] ?? at.draft,
});

const materialOf = (action: PlannedAction): string =>
  (action.artifacts ?? []).map((path) => `- \`${path}\``).join("\n");

const listed = (problem: Unpublishable): string =>
  `- \`${problem.file}\`${problem.line ? ` line ${problem.line}` : ""}: ${problem.placeholder ? `\`${problem.placeholder}\`` : problem.problem}`;

/**
 * The question for an action a person must act on: a human-owned one is done and its outcome
 * reported; any other is approved (a send names what is still to fill in, `unsendable`).
 */
export function actionQuestion(
  at: AskedAt,
  action: PlannedAction,
  template: ActionTemplate,
  unsendable: readonly Unpublishable[],
): GateQuestion {
  const outcomes = Object.keys(template.action.outcomes);
  const reports = reportsOutcome(template);
  const sends = sendsOut(template) ? (action.artifacts ?? []) : undefined;
  const question = reports
    ? `Do ${action.id} ${action.type} "${action.title}" (due ${action.due}) and report its outcome: ${outcomes.join(" | ")}`
    : `Approve ${action.id} ${action.type} "${action.title}"? ${sends ? "It sends to customers." : "Its template needs a person's approval."}${unsendable.length > 0 ? ` ${fillBeforeAccepting(unsendable)}` : ""}`;
  const material = materialOf(action);
  return {
    info: {
      ...infoOf(at, action, question),
      ...(reports ? { outcomes } : {}),
      ...(sends ? { locked: { sends } } : {}),
    },
    editable: {
      title: action.title,
      due: action.due,
      note: action.note ?? "",
      ...(reports ? { outcome: outcomes.length === 1 ? outcomes[0]! : "" } : {}),
    },
    allow: { edit: true, respond: false },
    namedAnswersOnly: sendsOut(template),
    description: [
      `### ${question}`,
      material ? `Prepared for you:\n${material}` : "",
      sends
        ? "What is sent is the text between each file's publish marks (`<!-- publish -->` ... `<!-- /publish -->`), as it stands when you accept; the rest of each file is for you."
        : "",
      unsendable.length > 0
        ? `Not sendable yet; mend these in the files before accepting (an accept is refused while one is left):\n${unsendable.map(listed).join("\n")}`
        : "",
      reports
        ? `Report what happened: edit \`outcome\` to one of ${outcomes.join(", ")}; reject to drop the action.`
        : "",
    ]
      .filter(Boolean)
      .join("\n\n"),
  };
}

/**
 * The question for an action blocked on its inputs: what it lacks and what to add (`missing`, read
 * now, so a question asked again names what is still missing; none when they are there now), with
 * what its accept is checked against (`wait`). Accept: run it again. An outcome: the person's own
 * result, which completes it. Reject: it is dropped (archived).
 */
export function blockedQuestion(
  at: AskedAt,
  action: PlannedAction,
  template: ActionTemplate,
  missing: MissingInput | undefined,
  wait: InputWait | undefined,
): GateQuestion {
  const outcomes = Object.keys(template.action.outcomes);
  const lead = `${action.id} ${action.type} "${action.title}" waits for you`;
  const question = missing
    ? `${lead}: ${missing.reason} — ${missing.add}; or report its outcome yourself: ${outcomes.join(" | ")}`
    : `${lead}: it lacked its inputs, which are there now — accept to run it again; or report its outcome yourself: ${outcomes.join(" | ")}`;
  const material = materialOf(action);
  return {
    info: { ...infoOf(at, action, question), outcomes, ...(wait ? { locked: { waits_for: wait } } : {}) },
    editable: { title: action.title, due: action.due, note: action.note ?? "", outcome: "" },
    allow: { edit: true, respond: false },
    description: [
      `### ${question}`,
      material ? `Written so far:\n${material}` : "",
      [
        "Answer with one of:",
        "- accept once the inputs are there: it runs again with them (refused while they are missing).",
        `- edit \`outcome\` to your own result (one of ${outcomes.join(", ")}): the action completes with it and goes on as its template routes that outcome.`,
        "- reject to drop the action.",
      ].join("\n"),
    ]
      .filter(Boolean)
      .join("\n\n"),
  };
}

/** What a person's answer at the action gate does: the review recorded, the action as edited, and the log's line. */
export interface ActionAnswer {
  review: Review;
  action: PlannedAction;
  entry: LogEntry;
}

/**
 * Reads an answer about `action` (blocked on its inputs or not). An edit may change the title, due
 * date and note; its outcome is what the person reports (a human-owned action with one outcome
 * reports it by being done). Any answer sets a blocked action going again: the engine archives it,
 * completes it with the outcome, or runs it.
 */
export function readActionAnswer(
  response: GateResponse,
  action: PlannedAction,
  template: ActionTemplate,
): ActionAnswer {
  const outcomes = Object.keys(template.action.outcomes);
  const wasBlocked = action.status === "blocked";
  const reports = !wasBlocked && reportsOutcome(template);
  const edits =
    response.type === "edit"
      ? (editedValues(response) as { title?: string; due?: string; note?: string; outcome?: string })
      : {};
  const outcome = edits.outcome || (reports && outcomes.length === 1 ? outcomes[0] : undefined);
  const review: Review = { ...reviewOf(response), ...(outcome ? { outcome } : {}) };
  const { outcome: _reported, ...fields } = edits;
  const updated: PlannedAction = {
    ...action,
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== "")),
    ...(wasBlocked ? { status: "in_progress" as const } : {}),
  };
  const event =
    review.answer === "reject"
      ? `rejected by ${review.by}: ${review.reason}`
      : reports || (wasBlocked && outcome)
        ? `reported "${outcome}" by ${review.by}`
        : wasBlocked
          ? `inputs added, says ${review.by}; runs again`
          : `approved by ${review.by}; cleared to run`;
  return { review, action: updated, entry: { at: review.at, action_id: action.id, event } };
}

import { Command, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Review } from "../stages/context.js";
import { gateNodeName, stageNodeName, type GraphKit } from "../graph/kit.js";
import { CORRECT_NODE } from "../graph/correct.js";
import { outputsBySchema, type GraphNode } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { checkEditedDraft } from "./check.js";
import { askPerson, type GateDefinition } from "./definition.js";
import type { GateKind } from "../core/gateKind.js";
import { readingEdit } from "./readingEdit.js";
import { readingOf, type Reading } from "../core/reading.js";
import { describeReading } from "./readingView.js";
import { editedValues, gatePayload, reviewOf, type GateQuestion } from "./wire.js";

/**
 * A gate on a whole stage: `impact` asks as the workspace's policy says (gates/policy.ts: the impact
 * threshold, the autonomy mode, the drafts' confidence), `always` asks every time. Accept, edit
 * (checked against the stage's schema with the workspace's refinements), respond (the stage is
 * redrafted) or reject. At a decision the drafter's reading is shown and editable too: an edit of it
 * is a correction, which redrafts from the first stage it changes (correct.ts).
 */
export const stageGate: GateDefinition = {
  nodes: (kit, node, kind) => [
    {
      name: gateNodeName(node, kind),
      fn: stageGateNode(kit, node, kind),
      ends: [stageNodeName(node), gateNodeName(node, kind), kit.after(node, kind), CORRECT_NODE],
    },
  ],
  checkEdit: (payload, edits, context) => {
    const reading = readingEdit(payload, edits, context.canvas, context.threadTypes);
    if (reading) return;
    checkEditedDraft(payload, edits, context.stageSchema(payload.leanos.stage));
  },
};

/** Whether a person's accept agrees with the drafter's own reading: no earlier answer or correction of this decision. */
const firstLook = (state: ThreadGraphState, stage: string): boolean =>
  (state.reviews[stage] === undefined || state.reviews[stage]!.by === "policy") && state.pins === undefined;

function stageGateNode(kit: GraphKit, node: GraphNode, kind: GateKind) {
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const stage = node.skill.stage.stage;
    const next = kit.after(node, kind);
    const output = state.outputs[stage] as Record<string, unknown>;
    const view = await kit.gateView(state, node);
    const isDecision = node.skill.stage.output === "decision";
    const statement = String(output.statement ?? output.verdict ?? stage);
    const summaryOf = (answer: string): string =>
      isDecision ? `decision "${statement}" ${answer}` : `${stage} stage ${answer}`;
    if (!view.required) {
      const earned = view.trust?.earned
        ? `; ${state.type} decisions have earned trust (${view.trust.agreed_recent} of the latest ${view.trust.window} accepted unchanged)`
        : "";
      const review: Review = {
        answer: "accept",
        by: "policy",
        at: kit.now().toISOString(),
        reason: `impact ${view.impact ?? "unknown"} is below the approval threshold ${view.threshold}${earned}`,
      };
      await kit.writeFiles({ ...state, reviews: { ...state.reviews, [stage]: review } }, node);
      await kit.env.onGateAnswered?.(state.thread, {
        gate: kind,
        stage,
        review,
        summary: summaryOf("taken by policy"),
      });
      kit.env.onProgress?.({ kind: "gate", thread: state.thread, stage, required: false, detail: review.reason! });
      return new Command({ update: { reviews: { [stage]: review } }, goto: next });
    }
    const why = view.reasons.join("; ");
    const question = isDecision ? `Approve the decision "${statement}"? (${why})` : `Approve the ${stage} stage draft?`;
    const draft = kit.draftPath(state, kit.stageFile(node));
    const outputs = outputsBySchema(kit.env.spec, state.outputs);
    const implication = outputs.implication;
    const factors = implication
      ? implication.factors.map((factor) => `- ${factor.name}: ${factor.score} (${factor.rationale})`).join("\n")
      : "";
    const reading = isDecision ? readingOf(state.type, outputs) : undefined;
    const { verdict: _verdict, ...readingFields } = reading ?? {};
    const asked: GateQuestion = {
      info: {
        thread: state.thread,
        kind,
        node: gateNodeName(node, kind),
        stage,
        question,
        impact: view.impact,
        draft,
        ...(isDecision ? { locked: policyFields(output) } : {}),
      },
      editable: { ...withoutConfidence(isDecision ? withoutPolicyFields(output) : output), ...readingFields },
      allow: { edit: true, respond: true },
      description: [
        `### ${question}`,
        `Draft: \`${draft}\``,
        view.reasons.length > 1 ? `It waits because:\n${view.reasons.map((reason) => `- ${reason}`).join("\n")}` : "",
        reading ? describeReading(reading, kit.confidenceUpTo(state, node)) : "",
        factors ? `Impact ${view.impact} from its factors:\n${factors}` : "",
        isDecision
          ? "Edit any field to change the draft. An edit of the reading (type, assumptions, facts) is a correction: the stages after it are drafted again. Respond to have it redrafted with your feedback."
          : "Edit any field to change the draft; respond to have it redrafted with your feedback.",
      ]
        .filter(Boolean)
        .join("\n\n"),
    };
    const response = await askPerson(kit, stageGate, asked, state, config);
    if (response instanceof Command) return response;
    const review = reviewOf(response);
    kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer });
    const corrected =
      response.type === "edit" && isDecision
        ? readingEdit(gatePayload(asked), editedValues(response), kit.env.canvas, kit.env.workspace.threadTypes)
        : undefined;
    const judged =
      isDecision && !corrected && reading
        ? {
            type: state.type,
            judged:
              review.answer === "accept" && firstLook(state, stage) ? ("agreed" as const) : ("corrected" as const),
            reading,
            ...finalOf(reading, response),
          }
        : undefined;
    // An accept of a draft a person already changed judges nothing: it is their reading now.
    const counted = judged && (judged.judged === "corrected" || firstLook(state, stage)) ? judged : undefined;
    await kit.env.onGateAnswered?.(state.thread, {
      gate: kind,
      stage,
      review,
      summary: summaryOf(
        corrected
          ? "corrected: the reading is drafted again"
          : review.answer === "respond"
            ? "sent back for a redraft"
            : `${review.answer}ed`,
      ),
      ...(counted ? { judged: counted } : {}),
    });
    if (corrected) {
      return new Command({
        update: {
          reviews: { [stage]: review },
          correction: {
            fields: corrected,
            by: review.by,
            at: review.at,
            reason: "the reading was edited at the decision gate",
            via: "gate",
          },
        },
        goto: CORRECT_NODE,
      });
    }
    if (response.type === "response") {
      return new Command({
        update: { feedback: { [stage]: review.feedback ?? "" }, reviews: { [stage]: review } },
        goto: stageNodeName(node),
      });
    }
    const edits = response.type === "edit" ? withoutReading(editedValues(response)) : {};
    const finalOutput = await kit.stamped(state, node, { ...output, ...edits });
    await kit.writeFiles(
      { ...state, outputs: { ...state.outputs, [stage]: finalOutput }, reviews: { ...state.reviews, [stage]: review } },
      node,
    );
    return new Command({ update: { outputs: { [stage]: finalOutput }, reviews: { [stage]: review } }, goto: next });
  };
}

/** The reading a person gave with an answer: the one drafted when accepted, its verdict changed by an edit of it, none for a respond or reject. */
function finalOf(reading: Reading, response: { type: string }): { final?: Reading } {
  if (response.type === "accept") return { final: reading };
  const verdict =
    response.type === "edit" ? (editedValues(response as never) as { verdict?: unknown }).verdict : undefined;
  return typeof verdict === "string" && verdict !== reading.verdict
    ? { final: { ...reading, verdict: verdict as Reading["verdict"] } }
    : {};
}

// A decision's LeanOS record fields that the policy sets (validate.ts, graph/kit.ts stamped): shown
// to the person as set by policy, never edited (an edit of the verdict moves the status with it).
const POLICY_FIELDS = ["status", "impact_score", "human_flagged"] as const;
function policyFields(output: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(POLICY_FIELDS.filter((key) => output[key] !== undefined).map((key) => [key, output[key]]));
}
function withoutPolicyFields(output: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(output).filter(([key]) => !(POLICY_FIELDS as readonly string[]).includes(key)),
  );
}

/** The draft's values a person may edit: how sure the drafter was is its say, shown, not edited. */
function withoutConfidence(output: Record<string, unknown>): Record<string, unknown> {
  const { confidence: _confidence, ...rest } = output;
  return rest;
}

/** An edit's values without the reading's own fields (sent back unchanged by an inbox that returns every field). */
function withoutReading(edits: Record<string, unknown>): Record<string, unknown> {
  const { type: _type, assumptions: _assumptions, facts: _facts, ...rest } = edits;
  return rest;
}

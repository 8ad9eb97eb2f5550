import type { GateKind } from "../core/gateKind.js";
import { readingOf, type Reading } from "../core/reading.js";
import { gateNodeName, type GraphKit } from "../graph/kit.js";
import { outputsBySchema, type GraphNode } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import type { GateView } from "../threads/stageFiles.js";
import { describeReading } from "./readingView.js";
import type { GateQuestion } from "./wire.js";

// What a stage gate asks: the question and why it waits, the draft's values a person may edit, and
// at a decision the drafter's reading, shown and editable too.

/** Whether the gated stage is the decision (its reading is shown, and an edit of it is a correction). */
export const isDecision = (node: GraphNode): boolean => node.skill.stage.output === "decision";

/** The question a stage gate puts on `state`'s draft, and the drafter's reading it shows (at a decision). */
export function stageQuestion(
  kit: GraphKit,
  node: GraphNode,
  kind: GateKind,
  state: ThreadGraphState,
  view: GateView,
): { question: GateQuestion; reading: Reading | undefined } {
  const stage = node.skill.stage.stage;
  const output = state.outputs[stage] as Record<string, unknown>;
  const decision = isDecision(node);
  const statement = String(output.statement ?? output.verdict ?? stage);
  const why = view.reasons.join("; ");
  const question = decision ? `Approve the decision "${statement}"? (${why})` : `Approve the ${stage} stage draft?`;
  const draft = kit.draftPath(state, kit.stageFile(node));
  const outputs = outputsBySchema(kit.env.spec, state.outputs);
  const implication = outputs.implication;
  const factors = implication
    ? implication.factors.map((factor) => `- ${factor.name}: ${factor.score} (${factor.rationale})`).join("\n")
    : "";
  const reading = decision ? readingOf(state.type, outputs) : undefined;
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
      ...(decision ? { locked: policyFields(output) } : {}),
    },
    editable: { ...withoutConfidence(decision ? withoutPolicyFields(output) : output), ...readingFields },
    allow: { edit: true, respond: true },
    description: [
      `### ${question}`,
      `Draft: \`${draft}\``,
      view.reasons.length > 1 ? `It waits because:\n${view.reasons.map((reason) => `- ${reason}`).join("\n")}` : "",
      reading ? describeReading(reading, kit.confidenceUpTo(state, node)) : "",
      factors ? `Impact ${view.impact} from its factors:\n${factors}` : "",
      decision
        ? "Edit any field to change the draft. An edit of the reading (type, assumptions, facts) is a correction: the stages after it are drafted again. Respond to have it redrafted with your feedback."
        : "Edit any field to change the draft; respond to have it redrafted with your feedback.",
    ]
      .filter(Boolean)
      .join("\n\n"),
  };
  return { question: asked, reading };
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

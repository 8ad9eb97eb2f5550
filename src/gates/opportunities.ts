import { Command, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { z } from "zod";
import { gateNodeName, type GraphKit } from "../graph/kit.js";
import { outputOf, type GraphNode } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { threadTypeIn, type LearningOutput } from "../core/stageSchemas.js";
import type { ThreadTypes } from "../core/threadTypes.js";
import { checkEditedDraft } from "./check.js";
import { askPerson, type GateDefinition } from "./definition.js";
import { OneLine } from "./fields.js";
import type { GateKind } from "../core/gateKind.js";
import { editedValues, reviewOf, type GateQuestion } from "./wire.js";

/** What an opportunity's edit must hold: its type one of the workspace's. */
const opportunityEdit = (types: ThreadTypes) =>
  z.object({
    title: OneLine,
    priority: z.number().min(0).max(1),
    rationale: z.string().min(1).max(2000),
    type: threadTypeIn(types),
  });

/**
 * Each follow-up a learning proposes waits for a person, one at a time; an approved one is started
 * as a new thread by the runtime once this thread's run settles. Its priority is set by the learning
 * and shown, not edited.
 */
export const opportunitiesGate: GateDefinition = {
  nodes: (kit, node, kind) => {
    const self = gateNodeName(node, kind);
    return [{ name: self, fn: opportunitiesNode(kit, node, kind), ends: [self, kit.after(node, kind)] }];
  },
  checkEdit: (payload, edits, context) => checkEditedDraft(payload, edits, opportunityEdit(context.threadTypes)),
};

function opportunitiesNode(kit: GraphKit, node: GraphNode, kind: GateKind) {
  const self = gateNodeName(node, kind);
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const stage = node.skill.stage.stage;
    const learning = outputOf(state.outputs, node, "learning")!;
    const index = learning.opportunities.findIndex((_, position) => !state.opportunity_reviews[`opp-${position + 1}`]);
    if (index < 0) return new Command({ goto: kit.after(node, kind) });
    const opportunity = learning.opportunities[index]!;
    const id = `opp-${index + 1}`;
    const question = `Start a ${opportunity.type} thread for "${opportunity.title}" (priority ${opportunity.priority})?`;
    const { priority, ...editable } = opportunity;
    const asked: GateQuestion = {
      info: {
        thread: state.thread,
        kind,
        node: self,
        stage,
        question,
        impact: priority,
        opportunity_id: id,
        draft: kit.draftPath(state, kit.stageFile(node)),
        locked: { priority },
      },
      editable,
      allow: { edit: true, respond: false },
      description: `### ${question}\n\n${opportunity.rationale}\n\nAccepting starts the thread; edit its title, type or rationale first if they should differ.`,
    };
    const response = await askPerson(kit, opportunitiesGate, asked, state, config);
    if (response instanceof Command) return response;
    const review = reviewOf(response);
    kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer, item: id });
    const edited = { ...opportunity, ...(editedValues(response) as Partial<typeof opportunity>) };
    const updated: LearningOutput = {
      ...learning,
      opportunities: learning.opportunities.map((entry, position) => (position === index ? edited : entry)),
    };
    await kit.env.onGateAnswered?.(state.thread, {
      gate: kind,
      stage,
      review,
      summary: `opportunity "${edited.title}" ${review.answer === "reject" ? "declined" : "approved"}`,
    });
    await kit.writeFiles(
      {
        ...state,
        outputs: { ...state.outputs, [stage]: updated },
        opportunity_reviews: { ...state.opportunity_reviews, [id]: review },
      },
      node,
    );
    return new Command({
      update: { outputs: { [stage]: updated }, opportunity_reviews: { [id]: review } },
      goto: self,
    });
  };
}

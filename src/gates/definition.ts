import { Command, interrupt, isGraphInterrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { ZodError } from "zod";
import { UsageError, describeZodIssues } from "../errors.js";
import { AnswerRefused, refuse, refusalText } from "../core/refusal.js";
import type { GateNodes } from "../graph/gateSet.js";
import type { GraphKit } from "../graph/kit.js";
import type { ThreadGraphState } from "../graph/state.js";
import { checkAnswer, type AnswerRules } from "./check.js";
import { coerceEdit, gatePayload, pendingItem, readResponse, type GateQuestion, type GateResponse } from "./wire.js";

export type { GateNode, GateNodeFn } from "../graph/gateSet.js";

/**
 * One gate kind, whole: the nodes it adds after a stage (which build its question and take its
 * answer) and the rules an answer must pass. The CLI checks an answer against the same rules before
 * it resumes; the node checks again, so an answer from any LangGraph client is held to them.
 */
export interface GateDefinition extends AnswerRules, GateNodes {}

/**
 * Asks a person (an interrupt) and returns their answer once it passes the gate's rules. A refused
 * answer changes nothing but the note of why: the node goes back to itself and asks again with the
 * refusal on top, so the thread still waits and whoever answered sees why. Returns that Command then.
 */
export async function askPerson(
  kit: GraphKit,
  rules: AnswerRules,
  question: GateQuestion,
  state: ThreadGraphState,
  config: LangGraphRunnableConfig | undefined,
): Promise<GateResponse | Command> {
  const node = question.info.node;
  const payload = gatePayload(question, state.refusals[node] ?? undefined);
  let given: unknown;
  try {
    given = interrupt(payload);
  } catch (error) {
    // The question is put: meta.json says so (with LangGraph's id of it) before the run ends.
    const raised = isGraphInterrupt(error) ? error.interrupts[0] : undefined;
    if (raised)
      await kit.env.onAsked?.(
        state.thread,
        { ...pendingItem(payload), ...(raised.id ? { id: raised.id } : {}) },
        state,
      );
    throw error;
  }
  let response: GateResponse | undefined;
  try {
    response = coerceEdit(readResponse(given, kit.answerDefaults(config)), payload.action_request.args);
    // Served, who answered and when are the authenticated user and the clock, whatever the answer says.
    if (kit.env.who) response = { ...response, by: await kit.env.who(config), at: kit.now().toISOString() };
    if (question.namedAnswersOnly) await checkNamed(kit, state.thread, node, response);
    await checkAnswer(rules, payload, response, kit.answerContext(state.thread));
    return response;
  } catch (error) {
    // Kept in the state as words no front end owns (clients read it as text, see GateInfo.refused).
    const reason =
      error instanceof AnswerRefused
        ? refusalText(error.refusal)
        : error instanceof UsageError
          ? error.message
          : error instanceof ZodError
            ? `not an answer a gate reads: ${describeZodIssues(error.issues)}`
            : undefined;
    if (reason === undefined) throw error;
    await kit.env.onGateRefused?.(state.thread, {
      gate: question.info.kind,
      node,
      answer: response?.type ?? "unreadable",
      by: response?.by ?? kit.answerDefaults(config).by,
      reason,
    });
    kit.env.onProgress?.({ kind: "refused", thread: state.thread, stage: question.info.stage, reason });
    return new Command({ update: { refusals: { [node]: reason } }, goto: node });
  }
}

/** Refuses an answer that does not name the question waiting at `node` (its interrupt id, as recorded when it was asked). */
async function checkNamed(kit: GraphKit, thread: string, node: string, response: GateResponse): Promise<void> {
  const asked = await kit.env.askedId?.(thread, node);
  // The answer as a whole is refused: it is not known to be meant for this question.
  if (!response.interrupt_id) {
    refuse(
      null,
      `this question sends to customers, so an answer must name it: give its interrupt id${asked ? ` (${asked})` : ""} as interrupt_id in the answer; nothing was sent`,
    );
  }
  if (asked !== undefined && response.interrupt_id !== asked) {
    refuse(
      null,
      `the answer names question ${response.interrupt_id}, but the question waiting is ${asked}: it was answered meanwhile; look again before answering; nothing was sent`,
    );
  }
}

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AuditEntry, AuditEntryOf } from "../audit/log.js";
import type { CorrectionRecord } from "../core/reading.js";
import { threadIdOf } from "../core/threadId.js";
import type { ThreadMeta } from "../core/threadMeta.js";
import type { GraphEnvironment } from "../graph/kit.js";
import { canonicalJson } from "../graph/seal.js";
import type { ModelUsage } from "../stages/drafter.js";
import { gateAsked, progressOf, sameQuestion, type Recording } from "./recording.js";
import { proposeRuleAfter } from "./ruleProposal.js";

// What a run records of people: each question put, each answer and refusal, each correction of the
// reading (with the example it teaches and the rule it may propose), and the judgements of readings.

type GateRecords = Pick<
  GraphEnvironment,
  "askedId" | "onAsked" | "judgements" | "onCorrected" | "onGateAnswered" | "onGateRefused"
>;

/** The same correction, whenever it was stamped (a correction node run again after a kill stamps it anew). */
function sameCorrection(
  recorded: ThreadMeta["corrections"][number] | undefined,
  correction: CorrectionRecord,
): boolean {
  const { at: _a, ...given } = correction;
  if (!recorded) return false;
  const { at: _b, ...kept } = recorded;
  return canonicalJson(kept) === canonicalJson(given);
}

const sameJudgement = (a: AuditEntryOf<"reading-judged">, b: AuditEntryOf<"reading-judged">): boolean =>
  canonicalJson({ ...a, at: "" }) === canonicalJson({ ...b, at: "" });

/** Records a person's correction of a thread's reading: the judgement, the example, the rule it may propose, meta.json. */
function correctionRecorder(
  recording: Recording,
  onUsage: (thread: string, stage: string, usage: ModelUsage[]) => Promise<void>,
): NonNullable<GraphEnvironment["onCorrected"]> {
  const { parts, metas, remember, drafterNow } = recording;
  const { audit } = parts;
  return async (thread, correction, reading) => {
    const dir = metas.dirOf(thread);
    const entry: AuditEntryOf<"reading-judged"> = {
      kind: "reading-judged",
      at: correction.at,
      thread,
      type: correction.read_as,
      judged: "corrected",
      answer: correction.via === "gate" ? "edit" : "correct",
      by: correction.by,
      fields: Object.keys(correction.fields),
      ...(correction.reason ? { reason: correction.reason } : {}),
      ...(correction.after_acting ? { after_acting: true } : {}),
    };
    // The node that records it runs again after a kill: what it recorded before is not recorded twice.
    if (sameCorrection((await metas.read(thread)).corrections.at(-1), correction)) return;
    const judged = (await audit.readKind("reading-judged")).filter((logged) => logged.thread === thread).at(-1);
    if (!judged || !sameJudgement(judged, entry)) await audit.append(entry);
    await remember(thread, {
      read: reading,
      final: { ...reading, ...correction.fields },
      judged: "corrected",
      by: correction.by,
      at: correction.at,
      ...(correction.reason ? { reason: correction.reason } : {}),
    });
    const meta = await metas.read(thread);
    await proposeRuleAfter(
      {
        store: parts.store,
        drafter: drafterNow(),
        canvas: parts.canvas,
        threadTypes: parts.workspace.threadTypes,
        audit,
        at: correction.at,
        onUsage: (usage) => onUsage(thread, "rule", usage),
      },
      { thread, example: threadIdOf(meta), event: meta.event.text, fields: correction.fields, read: reading },
    );
    await metas.update(thread, (meta) => ({
      ...meta,
      corrections: [...meta.corrections, correction],
      // The drafts a redraft removed (the plan that followed the old decision) are gone from its files.
      files: meta.files.filter((file) => existsSync(join(dir, file))),
    }));
  };
}

export function gateRecords(
  recording: Recording,
  onUsage: (thread: string, stage: string, usage: ModelUsage[]) => Promise<void>,
): GateRecords {
  const { parts, metas, stamp, withoutError, remember } = recording;
  const { audit, spec } = parts;
  return {
    askedId: async (thread, node) => (await metas.read(thread)).pending.find((item) => item.node === node)?.id,
    onAsked: async (thread, item, values) => {
      let asked = false;
      await metas.update(thread, (meta) => {
        asked = !meta.pending.some((known) => sameQuestion(known, item));
        return {
          ...withoutError(meta),
          ...progressOf(spec, values, meta),
          state: "waiting",
          pending: [item],
          next_due: null,
        };
      });
      if (asked) await audit.append(gateAsked(thread, item, stamp()));
    },
    judgements: async () =>
      (await audit.readKind("reading-judged")).map((entry) => ({
        type: entry.type,
        judged: entry.judged,
        at: entry.at,
      })),
    onCorrected: correctionRecorder(recording, onUsage),
    onGateAnswered: async (thread, answered) => {
      await metas.update(thread, (meta) => ({ ...meta, state: "running", pending: [] }));
      const judged: AuditEntry[] = answered.judged
        ? [
            {
              kind: "reading-judged",
              at: answered.review.at,
              thread,
              type: answered.judged.type,
              judged: answered.judged.judged,
              answer: answered.review.answer,
              by: answered.review.by,
            },
          ]
        : [];
      // A reading a person gave or agreed with is an example of how this company's events read.
      if (answered.judged?.final)
        await remember(thread, {
          read: answered.judged.reading,
          final: answered.judged.final,
          judged: answered.judged.judged,
          by: answered.review.by,
          at: answered.review.at,
        });
      await audit.append(...judged, {
        kind: "gate-answered",
        at: answered.review.at,
        thread,
        gate: answered.gate,
        stage: answered.stage,
        answer: answered.review.answer,
        by: answered.review.by,
        summary: answered.summary,
        ...(answered.review.reason ? { reason: answered.review.reason } : {}),
        ...(answered.action_id ? { action_id: answered.action_id } : {}),
      });
    },
    onGateRefused: (thread, refused) => audit.append({ kind: "gate-refused", at: stamp(), thread, ...refused }),
  };
}

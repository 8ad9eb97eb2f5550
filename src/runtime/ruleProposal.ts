import type { AuditLog } from "../audit/log.js";
import type { Canvas } from "../canvas/canvas.js";
import { RuntimeFailure } from "../errors.js";
import type { Reading } from "../core/reading.js";
import type { ModelUsage, StageDrafter } from "../stages/drafter.js";
import {
  acceptProposal,
  checkCandidate,
  eventRuleWords,
  keepProposal,
  proposalOf,
  type CorrectionEvidence,
} from "../memory/proposals.js";
import { PROPOSED } from "../memory/proposal.js";
import { UsageError } from "../errors.js";
import { recallLessons } from "../memory/recall.js";
import type { WorkspaceStore } from "../store/store.js";
import type { ThreadTypes } from "../core/threadTypes.js";

// After a correction is recorded, the thread's drafter may propose one rule that explains it. The
// proposal is checked (memory/proposals.ts) and waits in the memory for a person; a drafter that
// cannot propose, or a model call that fails, costs the correction nothing.

export interface ProposalParts {
  store: Pick<WorkspaceStore, "memory">;
  drafter: StageDrafter;
  canvas: Canvas;
  /** The workspace's thread types (a rule's type is one of them). */
  threadTypes: ThreadTypes;
  audit: AuditLog;
  at: string;
  onUsage?: (usage: ModelUsage[]) => Promise<void>;
}

export async function proposeRuleAfter(
  parts: ProposalParts,
  evidence: CorrectionEvidence & { read: Reading },
): Promise<{ id: string; says: string } | undefined> {
  const { drafter, canvas } = parts;
  if (!drafter.proposeRule) return undefined;
  const words = [...eventRuleWords(evidence.event, canvas)];
  if (words.length === 0) return undefined;
  const others = (await recallLessons(parts.store.memory, evidence.event, evidence.example)).recent.map((entry) => ({
    event: entry.example.event,
    final: entry.example.final,
  }));
  let answer: Awaited<ReturnType<NonNullable<StageDrafter["proposeRule"]>>>;
  try {
    answer = await drafter.proposeRule({
      event: evidence.event,
      read: evidence.read,
      fields: evidence.fields,
      words,
      others,
      threadTypes: parts.threadTypes,
    });
  } catch (error) {
    // The model is down or answered nothing usable: the correction stands without a proposal.
    if (error instanceof RuntimeFailure) return undefined;
    throw error;
  }
  if (answer.usage) await parts.onUsage?.([answer.usage]);
  if (answer.candidate === undefined || answer.candidate === null) return undefined;
  const checked = checkCandidate(answer.candidate, evidence, canvas, `${drafter.provider}:${drafter.model}`, parts.at);
  if ("refused" in checked) return undefined;
  const { id, kept } = await keepProposal(parts.store.memory, checked);
  if (kept)
    await parts.audit.append({
      kind: "rule-proposed",
      at: parts.at,
      thread: evidence.thread,
      id,
      says: checked.says,
      proposed_by: checked.proposed_by,
    });
  return { id, says: checked.says };
}

/**
 * A person's answer to a proposed rule (leanos memory accept/reject, the inbox): accepted, it joins
 * the rules; rejected, it is dropped. Either way the audit log records who did it. An id that names
 * no waiting proposal is refused, and nothing changes.
 */
export async function judgeRule(
  parts: Pick<ProposalParts, "store" | "audit" | "at">,
  id: string,
  judged: "accepted" | "rejected",
  by: string,
): Promise<{ id: string; judged: typeof judged; says: string }> {
  const proposal = await proposalOf(parts.store.memory, id);
  if (!proposal)
    throw new UsageError(
      `no proposed rule has the id ${JSON.stringify(id.slice(0, 80))} (leanos memory lists the rules that wait); nothing was changed`,
    );
  if (judged === "accepted") await acceptProposal(parts.store.memory, id, by, parts.at);
  else await parts.store.memory.delete(PROPOSED, id);
  await parts.audit.append({
    kind: "rule-judged",
    at: parts.at,
    thread: proposal.evidence.thread,
    id,
    judged,
    by,
    says: proposal.says,
  });
  return { id, judged, says: proposal.says };
}

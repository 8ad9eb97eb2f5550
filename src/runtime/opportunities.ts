import { createHash } from "node:crypto";
import type { AuditLog } from "../audit/log.js";
import type { RawEvent } from "../stages/context.js";
import type { ThreadType } from "../core/stageSchemas.js";
import type { MetaStore } from "../threads/metaStore.js";

/**
 * The LangGraph thread id of the thread an opportunity starts: the same on every attempt, so a start
 * cut short is taken up (its folder and checkpoints are found by this id) rather than made again.
 * A UUID (v8, name-based), as LangGraph's server wants.
 */
export function followUpId(origin: string, opportunity: string): string {
  const hex = createHash("sha256").update(`leanos follow-up\n${origin}\n${opportunity}`).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface FollowUps<Result extends { thread: string }> {
  metas: MetaStore;
  audit: AuditLog;
  now: () => Date;
  start: (id: string, event: RawEvent, type: ThreadType, origin: string) => Promise<Result>;
}

/**
 * Each approved opportunity of a thread becomes a new thread, once: the source's meta.json records
 * it, and a follow-up claimed by an attempt killed before that record has the same id, so it is taken
 * up rather than made again.
 */
export async function startApprovedOpportunities<Result extends { thread: string }>(
  thread: string,
  followUps: FollowUps<Result>,
): Promise<Result[]> {
  const started: Result[] = [];
  for (;;) {
    const meta = await followUps.metas.read(thread);
    const opportunity = meta.opportunities.find((entry) => entry.status === "approved" && !entry.thread);
    if (!opportunity) return started;
    const stamp = followUps.now().toISOString();
    const event: RawEvent = {
      text: `${opportunity.title}. ${opportunity.rationale} Follow-up of threads/${thread}.`,
      date: stamp.slice(0, 10),
      source: `threads/${thread}/6-learning.md (${opportunity.id})`,
      origin: { kind: "opportunity", threads: [thread] },
    };
    const result = await followUps.start(followUpId(thread, opportunity.id), event, opportunity.type, thread);
    await followUps.metas.update(thread, (current) => ({
      ...current,
      opportunities: current.opportunities.map((entry) =>
        entry.id === opportunity.id ? { ...entry, status: "started", thread: result.thread } : entry,
      ),
    }));
    await followUps.audit.append({
      kind: "opportunity-started",
      at: followUps.now().toISOString(),
      thread,
      opportunity: opportunity.id,
      started: result.thread,
    });
    started.push(result);
  }
}

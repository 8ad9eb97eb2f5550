import { describe, expect, it } from "vitest";
import type { AuditLog } from "../src/audit/log.js";
import { startApprovedOpportunities } from "../src/runtime/opportunities.js";
import type { MetaStore } from "../src/threads/metaStore.js";
import type { RawEvent } from "../src/stages/context.js";
import type { ThreadMeta } from "../src/core/threadMeta.js";

// An approved opportunity becomes a thread whose event names its origin in a field, so no drafter
// has to recognise a follow-up from its wording.

describe("an approved opportunity", () => {
  it("starts a thread whose event carries its origin: an opportunity of the source thread", async () => {
    let meta = {
      thread: "business/signups-fell",
      opportunities: [
        {
          id: "opp-1",
          title: "Rethink A3: Onboarding takes a day",
          priority: 0.7,
          rationale: "The event went against A3.",
          type: "business",
          status: "approved",
        },
      ],
    } as unknown as ThreadMeta;
    const metas = {
      read: async () => meta,
      update: async (_thread: string, change: (current: ThreadMeta) => ThreadMeta) => (meta = change(meta)),
    } as unknown as MetaStore;
    const started: Array<{ event: RawEvent; type: string; origin: string }> = [];
    await startApprovedOpportunities("business/signups-fell", {
      metas,
      audit: { append: async () => undefined } as unknown as AuditLog,
      now: () => new Date("2026-11-25T08:00:00Z"),
      start: async (_id, event, type, origin) => {
        started.push({ event, type, origin });
        return { thread: "business/rethink-a3" };
      },
    });
    expect(started).toHaveLength(1);
    expect(started[0]!.event.origin).toEqual({ kind: "opportunity", threads: ["business/signups-fell"] });
    expect(started[0]!.type).toBe("business");
    expect(meta.opportunities[0]).toMatchObject({ status: "started", thread: "business/rethink-a3" });
  });
});

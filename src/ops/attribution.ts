import { threadIdOf } from "../core/threadId.js";
import type { RuntimeParts } from "../runtime/parts.js";

// Which campaign brought a lead in: a pass links a sales thread to the marketing thread its event names.

/**
 * Links a sales thread to the marketing thread whose piece brought it in, on both sides (full
 * thread names); without a campaign, records that the lead was checked, so no pass looks again.
 * False, with nothing changed, when either thread is busy in another process (a pass never waits
 * for a live run; the next one links it).
 */
export async function attribute(
  parts: Pick<RuntimeParts, "metas" | "tryLockThread">,
  lead: string,
  campaign: string | undefined,
): Promise<boolean> {
  const { metas } = parts;
  const linked = await parts.tryLockThread(threadIdOf(await metas.read(lead)), async () => {
    if (campaign) {
      const other = await parts.tryLockThread(threadIdOf(await metas.read(campaign)), () =>
        metas.update(campaign, (meta) => ({ ...meta, attributed: [...new Set([...meta.attributed, lead])] }), {
          touch: false,
        }),
      );
      if (other === "busy") return false;
    }
    await metas.update(
      lead,
      (meta) => ({
        ...meta,
        attribution_checked: true,
        ...(campaign ? { attribution: { campaign, via: "the event names the campaign" } } : {}),
      }),
      { touch: false },
    );
    return true;
  });
  return linked === true;
}

import { fromModel, type Intent } from "../core/intent.js";
import type { PendingItem } from "../core/threadMeta.js";
import { withRuntime, type ChatIO, type ChatOptions } from "./chatIO.js";

/** Reads free text with the provider's model when it has one; the offline provider knows only the command words. */
export async function readFreeText(
  options: ChatOptions,
  io: ChatIO,
  line: string,
  item: PendingItem | undefined,
): Promise<Intent> {
  return withRuntime(options, io, async (runtime) => {
    const drafter = await runtime.intentReader();
    if (!drafter.readIntent) return { kind: "unclear", reason: `"${line}" is not a command I know` };
    const reading = await drafter.readIntent({
      question: item?.question ?? "Nothing is being asked; the founder may be handing over a new event.",
      allowed: item ? item.allowed.join(", ") : "event, help, quit",
      ...(item?.outcomes ? { outcomes: item.outcomes.join(", ") } : {}),
      fields: (item?.fields ?? []).join(", ") || "none",
      line,
    });
    const intent = fromModel(reading);
    // A model's reading is never taken as an approval without the person confirming it.
    if (intent.kind === "accept") {
      io.say(
        `I read that as: accept${intent.outcome ? ` with outcome ${intent.outcome}` : ""}. Type "yes" to confirm.`,
      );
      return { kind: "unclear", reason: "waiting for your confirmation" };
    }
    return intent;
  });
}

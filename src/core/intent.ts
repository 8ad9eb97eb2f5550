import { z } from "zod";
import type { PendingItem } from "./threadMeta.js";

// What a line typed in `leanos chat` asks for. Command words are read by rules, whatever the
// provider; a real model may read free text too (see prompts/chat-intent.md), and anything it is not
// certain about is asked back, never taken as an approval.

export const Intent = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("accept"), outcome: z.string().optional() }),
  z.object({ kind: z.literal("edit"), field: z.string().optional(), value: z.string().optional() }),
  z.object({ kind: z.literal("respond"), text: z.string() }),
  z.object({ kind: z.literal("reject"), reason: z.string().optional() }),
  z.object({ kind: z.literal("skip") }),
  z.object({ kind: z.literal("help") }),
  z.object({ kind: z.literal("quit") }),
  z.object({ kind: z.literal("list") }),
  z.object({ kind: z.literal("event"), text: z.string() }),
  z.object({ kind: z.literal("correct"), thread: z.string(), edit: z.string() }),
  z.object({ kind: z.literal("unclear"), reason: z.string() }),
]);
export type Intent = z.infer<typeof Intent>;

/** What a model answers when asked to read a line: the intent and whether it is sure. */
export const ModelIntent = z.object({
  intent: z.enum(["accept", "edit", "respond", "reject", "skip", "help", "quit", "event", "unclear"]),
  outcome: z.string().optional(),
  field: z.string().optional(),
  value: z.string().optional(),
  text: z.string().optional(),
  reason: z.string().optional(),
  certain: z.boolean(),
});
export type ModelIntent = z.infer<typeof ModelIntent>;

/** The command words; null when the line is not one of them. */
export function parseCommand(line: string, item: PendingItem | undefined): Intent | null {
  const text = line.trim();
  let match: RegExpExecArray | null;
  if (/^(a|accept|approve|yes|y|ok)$/i.test(text)) return { kind: "accept" };
  if ((match = /^(?:accept|approve)\s+(\S+)$/i.exec(text))) return { kind: "accept", outcome: match[1]! };
  if (item?.outcomes?.includes(text)) return { kind: "accept", outcome: text };
  if (/^edit$/i.test(text)) return { kind: "edit" };
  if ((match = /^edit\s+(\S+)\s*[:=]?\s+(.+)$/i.exec(text)))
    return { kind: "edit", field: match[1]!, value: match[2]!.trim() };
  if ((match = /^(?:respond|r)\s*:?\s*(.*)$/i.exec(text)) && /^(respond|r)\b/i.test(text))
    return { kind: "respond", text: match[1]!.trim() };
  if ((match = /^(?:reject|no|n)\b\s*:?\s*(.*)$/i.exec(text)))
    return { kind: "reject", ...(match[1]!.trim() ? { reason: match[1]!.trim() } : {}) };
  if (/^(skip|s|next|later)$/i.test(text)) return { kind: "skip" };
  if (/^(help|h|\?)$/i.test(text)) return { kind: "help" };
  if (/^(quit|exit|q|bye)$/i.test(text)) return { kind: "quit" };
  if (/^(list|ls|pending)$/i.test(text)) return { kind: "list" };
  if ((match = /^event\s*:\s*([\s\S]+)$/i.exec(text))) return { kind: "event", text: match[1]!.trim() };
  if ((match = /^correct\s+(\S+)\s+(\{[\s\S]*\})\s*$/i.exec(text)))
    return { kind: "correct", thread: match[1]!, edit: match[2]! };
  return null;
}

/** A model's reading, made safe: anything uncertain becomes a question back. */
export function fromModel(reading: ModelIntent): Intent {
  if (!reading.certain || reading.intent === "unclear")
    return { kind: "unclear", reason: "the reply could be read more than one way" };
  switch (reading.intent) {
    case "accept":
      return { kind: "accept", ...(reading.outcome ? { outcome: reading.outcome } : {}) };
    case "edit":
      return reading.field && reading.value !== undefined
        ? { kind: "edit", field: reading.field, value: reading.value }
        : { kind: "unclear", reason: "which field, to what value?" };
    case "respond":
      return reading.text
        ? { kind: "respond", text: reading.text }
        : { kind: "unclear", reason: "what should change?" };
    case "reject":
      return { kind: "reject", ...(reading.reason ? { reason: reading.reason } : {}) };
    case "event":
      return reading.text ? { kind: "event", text: reading.text } : { kind: "unclear", reason: "what happened?" };
    default:
      return { kind: reading.intent };
  }
}

/** The value typed after `edit FIELD`: JSON when it parses (numbers, lists), else the text. */
export function editValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.replace(/^["']|["']$/g, "");
  }
}

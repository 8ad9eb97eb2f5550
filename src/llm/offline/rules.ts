import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { toolPath } from "../../files/toolRoot.js";
import { ActionTypeName, ThreadType, Verdict } from "../../stages/schemas.js";

const EventKind = z.object({
  kind: z.string(),
  type: ThreadType,
  polarity: z.enum(["positive", "negative", "mixed", "neutral"]),
  outcome_known: z.boolean(),
  cash: z.number().min(0).max(1),
  cues: z.array(z.string()),
  verdict: Verdict,
  statement: z.string(),
  actions: z.array(z.object({ type: ActionTypeName, title: z.string() })),
  alternatives: z.array(z.object({ option: z.string(), reason: z.string() })).min(2),
  when_challenged: z
    .object({ verdict: Verdict, statement: z.string(), actions: z.array(z.object({ type: ActionTypeName, title: z.string() })) })
    .optional(),
});
export type EventKind = z.infer<typeof EventKind>;

const OfflineRules = z.object({
  kinds: z.array(EventKind).min(1),
  positive_cues: z.array(z.string()),
  negative_cues: z.array(z.string()),
  moat_cues: z.array(z.string()),
  margin_cues: z.array(z.string()),
  instruction_cues: z.array(z.string()),
});
export type OfflineRules = z.infer<typeof OfflineRules>;

let cached: OfflineRules | undefined;

/** The offline drafter's rules, from prompts/offline/event-kinds.yaml. */
export function offlineRules(): OfflineRules {
  cached ??= OfflineRules.parse(parseYaml(readFileSync(toolPath("prompts", "offline", "event-kinds.yaml"), "utf8")));
  return cached;
}

export function countCues(text: string, cues: readonly string[]): number {
  return cues.reduce((count, cue) => count + (text.match(new RegExp(cue, "gi"))?.length ?? 0), 0);
}

/** The kind whose cues match most often; matches in the first line count double. */
export function detectKind(text: string): EventKind {
  const rules = offlineRules();
  const firstLine = text.split(/\r?\n/).find((line) => line.trim().length > 0) ?? "";
  let best = rules.kinds[rules.kinds.length - 1]!;
  let bestScore = 0;
  for (const kind of rules.kinds) {
    const score = countCues(text, kind.cues) + countCues(firstLine, kind.cues);
    if (score > bestScore) {
      best = kind;
      bestScore = score;
    }
  }
  return best;
}

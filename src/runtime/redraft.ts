import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { readText } from "../files/readText.js";
import type { GraphSpec } from "../graph/spec.js";
import { stageFileOf } from "../graph/stageFile.js";
import type { GivenAnswer } from "../gates/wire.js";
import { threadIdOf } from "../core/threadId.js";
import { answer } from "./answers.js";
import { payloadsOf } from "./checkpointView.js";
import { resolve } from "./lookup.js";
import type { RuntimeParts } from "./parts.js";
import { checkpointAt } from "./projector.js";
import type { ThreadResult } from "./threadService.js";

// What a redraft after `respond` changed. A drafter may only note the feedback ("Revised after review
// feedback: ...") and keep every decision as it was; the person who asked for a change must be told
// so, not left to find it out by reading the file again. The stage's output is compared before and
// after, field by field, with the sentence quoting the feedback left out of both.

/** A stage's output as its file records it, and the feedback it was last redrafted with. */
export interface StageDraft {
  output: unknown;
  feedback?: string;
}

/** What the redraft of `stage` changed: the output's fields that changed, and those that only gained a note quoting the feedback. */
export interface Redraft {
  stage: string;
  changed: string[];
  noted: string[];
}

/** The stage's file, read for its output and review; undefined when the stage has no file yet. */
export async function stageDraftOf(
  root: string,
  dir: string,
  spec: GraphSpec,
  stage: string,
): Promise<StageDraft | undefined> {
  const node = spec.nodes.find((candidate) => candidate.skill.stage.stage === stage);
  if (!node) return undefined;
  const path = join(dir, stageFileOf(node));
  if (!existsSync(path)) return undefined;
  const { parseFrontMatter } = await import("../files/frontMatter.js");
  const { data } = parseFrontMatter(relative(root, path), await readText(root, path));
  const review = data.review as { answer?: unknown; feedback?: unknown } | undefined;
  return {
    output: data.output,
    ...(review?.answer === "respond" && typeof review.feedback === "string" ? { feedback: review.feedback } : {}),
  };
}

const PLACEHOLDER = "\u0000feedback\u0000";

/** The feedback in quotation marks, as a note quotes it; the feedback's words used in a sentence of its own are a change. */
const QUOTED = new RegExp(`["“'‘]${PLACEHOLDER}["”'’]`);

/**
 * A text without the sentence that quotes the feedback. The feedback is set aside first, so its own
 * full stops ("DEFER. Not now.") do not cut the sentence that quotes it.
 */
export function withoutNote(text: string, feedback: string | undefined): string {
  const wanted = feedback?.trim();
  if (!wanted || !text.includes(wanted)) return text;
  return text
    .split(wanted)
    .join(PLACEHOLDER)
    .split(/(?<=[.!?]["'”’)\]]?)\s+/)
    .filter((sentence) => !QUOTED.test(sentence))
    .join(" ")
    .split(PLACEHOLDER)
    .join(wanted)
    .trim();
}

/** A value with the feedback's note left out of every text in it. */
function normalised(value: unknown, feedback: string | undefined): unknown {
  if (typeof value === "string") return withoutNote(value, feedback);
  if (Array.isArray(value)) return value.map((item) => normalised(item, feedback));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalised(item, feedback)]));
  return value;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The fields of the stage's output that the redraft changed, beyond a note of the feedback it was given. */
export function compareRedraft(stage: string, before: StageDraft, after: StageDraft, feedback: string): Redraft {
  const fieldsOf = (output: unknown): Record<string, unknown> =>
    output !== null && typeof output === "object" && !Array.isArray(output)
      ? (output as Record<string, unknown>)
      : { output };
  const old = fieldsOf(before.output);
  const now = fieldsOf(after.output);
  const changed: string[] = [];
  const noted: string[] = [];
  for (const field of [...new Set([...Object.keys(old), ...Object.keys(now)])]) {
    if (same(old[field], now[field])) continue;
    if (same(normalised(old[field], before.feedback), normalised(now[field], feedback))) noted.push(field);
    else changed.push(field);
  }
  return { stage, changed, noted };
}

/**
 * Answers a gate; with feedback (`respond`), says what the redraft of the stage asked about changed.
 * No `redraft` when the answer is not feedback, or the gate is not a stage's own (nothing to compare).
 */
export async function answerComparing(
  parts: RuntimeParts,
  name: string,
  response: GivenAnswer,
  expected?: string,
): Promise<ThreadResult & { redraft?: Redraft }> {
  const feedback = response.type === "response" && typeof response.args === "string" ? response.args : undefined;
  if (feedback === undefined) return answer(parts, name, response, expected);
  const { thread, meta } = await resolve(parts, name);
  const stage = payloadsOf(await checkpointAt(parts, threadIdOf(meta)))[0]?.leanos.stage;
  const draft = async (): Promise<StageDraft | undefined> =>
    stage ? stageDraftOf(parts.workspace.root, parts.metas.dirOf(thread), parts.spec, stage) : undefined;
  const before = await draft();
  const result = await answer(parts, thread, response, expected);
  const after = await draft();
  return {
    ...result,
    ...(stage && before && after ? { redraft: compareRedraft(stage, before, after, feedback) } : {}),
  };
}

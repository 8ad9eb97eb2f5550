import { createHash } from "node:crypto";
import type { BaseStore } from "@langchain/langgraph";
import type { Canvas } from "../canvas/canvas.js";
import type { ReadingFields } from "../core/reading.js";
import { readReport } from "../text/reading.js";
import { termsOf } from "../text/relevance.js";
import { nlp } from "../text/nlp.js";
import { companyName } from "../canvas/canvas.js";
import { RULES } from "./examples.js";
import { PROPOSED, Proposal, RuleCandidate } from "./proposal.js";
import { Rule, RuleWord, ruleApplies, ruleStatement, type RuleEffect } from "./rules.js";

// A rule proposed after a correction waits here for a person (`leanos memory accept ID` or
// `leanos memory reject ID`): it joins the rules only once accepted. Whoever proposed it (a model, or
// the offline drafter's own proposer), leanos checks it first: its words must be the company's own
// (words of the canvas) and found in the corrected event, its effect must be what the person
// corrected, and its statement is written by leanos. So neither a model's prose nor an event's text
// ever becomes a rule.

/** The correction a rule is proposed from. */
export interface CorrectionEvidence {
  thread: string;
  /** The id of the example kept of the correction (the thread's LangGraph id). */
  example: string;
  event: string;
  fields: ReadingFields;
}

// A word found in more than this share of the canvas's sections is the company's everyday vocabulary
// (its own name, its product), which names no particular kind of event.
const MOST_SECTIONS_SHARE = 0.5;
// A capitalised word inside a sentence: a product, a competitor, a channel, a segment, a place, a person.
const NAME = /(?<=[\p{Ll},;:()] +)(\p{Lu}[\p{L}\p{N}-]*)/gu;
const wordsByCanvas = new WeakMap<Canvas, Set<string>>();

/**
 * The company's own words that can single out an event: the names its canvas uses inside its
 * sentences (products, competitors, channels, places), as drafters match words, that only a few of
 * its sections use; not people's names or dates. Tried first (2026-12-07, dev sets): every noun of
 * the canvas gave rules on words such as "date", "point" and "back" that a careful person would not
 * accept.
 */
export function canvasWords(canvas: Canvas): Set<string> {
  const cached = wordsByCanvas.get(canvas);
  if (cached) return cached;
  const sections = [...canvas.sections.values()];
  const used = new Map<string, number>();
  const names = new Set<string>();
  // The company's own name is in every event about it.
  const notAbout = termsOf(companyName(canvas));
  for (const section of sections) {
    for (const word of termsOf(section.text)) used.set(word, (used.get(word) ?? 0) + 1);
    for (const match of section.text.matchAll(NAME)) for (const word of termsOf(match[1]!)) names.add(word);
    for (const phrase of nlp(section.text).match("(#Person|#Date)").out("array") as string[])
      for (const word of termsOf(phrase)) notAbout.add(word);
    // The canvas's own headings name its parts (its segments, its costs), not events.
    for (const heading of section.text.match(/^#+ .*$/gm) ?? [])
      for (const word of termsOf(heading)) notAbout.add(word);
  }
  // Amounts and dates are an event's figures, people (the team, a champion) turn up in every kind of
  // event, and headings name the canvas's parts: none of them is what an event is about.
  const words = new Set(
    [...names].filter(
      (word) =>
        !/\d/.test(word) &&
        !notAbout.has(word) &&
        (used.get(word) ?? 0) <= Math.max(1, sections.length * MOST_SECTIONS_SHARE),
    ),
  );
  wordsByCanvas.set(canvas, words);
  return words;
}

/** The words a rule may be conditioned on for this event: the company's words its reading holds (quoted replies and such left out). */
export function eventRuleWords(eventText: string, canvas: Canvas): Set<string> {
  const known = canvasWords(canvas);
  return new Set(
    [...termsOf(readReport(eventText).text)].filter((word) => known.has(word) && RuleWord.safeParse(word).success),
  );
}

/** Whether the effect is one the person's correction set. */
function setByCorrection(then: RuleEffect, fields: ReadingFields): boolean {
  if ("type" in then) return fields.type === then.type;
  if ("verdict" in then) return fields.verdict === then.verdict;
  return (fields.assumptions ?? []).some(
    (test) => test.id === then.assumption.id && test.direction === then.assumption.direction,
  );
}

/** The proposal as leanos keeps it, or why it is not kept. */
export function checkCandidate(
  candidate: unknown,
  evidence: CorrectionEvidence,
  canvas: Canvas,
  proposedBy: string,
  at: string,
): Proposal | { refused: string } {
  const parsed = RuleCandidate.safeParse(candidate);
  if (!parsed.success) return { refused: "not a rule of at most three words and one value" };
  const allowed = eventRuleWords(evidence.event, canvas);
  const when = [...new Set(parsed.data.when.map((word) => word.toLowerCase()))];
  const foreign = when.find((word) => !allowed.has(word));
  if (foreign !== undefined)
    return { refused: `"${foreign.slice(0, 40)}" is not a word of the canvas that the event holds` };
  if (!setByCorrection(parsed.data.then, evidence.fields))
    return { refused: "its value is not one the correction set" };
  const { then } = parsed.data;
  return {
    kind: "proposed-rule",
    when,
    then,
    says: ruleStatement(when, then),
    evidence: { thread: evidence.thread, example: evidence.example },
    proposed_by: proposedBy,
    at,
  };
}

/** A proposal's id: the same rule proposed again (a run resumed after a crash) is the same proposal. */
const idOf = (when: readonly string[], then: RuleEffect): string =>
  `rule-${createHash("sha256")
    .update(JSON.stringify([[...when].sort(), then]))
    .digest("hex")
    .slice(0, 10)}`;

/** Keeps a proposal unless the same rule waits or stands already; its id either way. */
export async function keepProposal(memory: BaseStore, proposal: Proposal): Promise<{ id: string; kept: boolean }> {
  const id = idOf(proposal.when, proposal.then);
  if ((await memory.get(RULES, id)) || (await memory.get(PROPOSED, id))) return { id, kept: false };
  await memory.put(PROPOSED, id, Proposal.parse(proposal));
  return { id, kept: true };
}

/** A waiting proposal, by id. */
export async function proposalOf(memory: BaseStore, id: string): Promise<Proposal | undefined> {
  const item = await memory.get(PROPOSED, id);
  const parsed = item ? Proposal.safeParse(item.value) : undefined;
  return parsed?.success ? parsed.data : undefined;
}

/** The proposal a correction gave rise to (its example's id, and when it was made), if one waits. */
export async function proposalFrom(
  memory: BaseStore,
  example: string,
  at: string,
): Promise<{ id: string; says: string } | undefined> {
  const found = (await waitingProposals(memory)).find(
    ({ proposal }) => proposal.evidence.example === example && proposal.at === at,
  );
  return found ? { id: found.id, says: found.proposal.says } : undefined;
}

/** Every proposal that waits for a person, oldest first. */
export async function waitingProposals(memory: BaseStore): Promise<Array<{ id: string; proposal: Proposal }>> {
  const waiting = (await memory.search(PROPOSED, { limit: 1000 })).flatMap((item) => {
    const parsed = Proposal.safeParse(item.value);
    return parsed.success ? [{ id: item.key, proposal: parsed.data }] : [];
  });
  return waiting.sort((a, b) => a.proposal.at.localeCompare(b.proposal.at) || a.id.localeCompare(b.id));
}

/** A person accepts a proposal: it becomes a rule (kept under the same id), and no longer waits. */
export async function acceptProposal(memory: BaseStore, id: string, by: string, at: string): Promise<Rule | undefined> {
  const proposal = await proposalOf(memory, id);
  if (!proposal) return undefined;
  const rule = Rule.parse({
    kind: "rule",
    when: proposal.when,
    then: proposal.then,
    says: proposal.says,
    evidence: proposal.evidence,
    proposed_by: proposal.proposed_by,
    by,
    at,
  });
  await memory.put(RULES, id, rule);
  await memory.delete(PROPOSED, id);
  return rule;
}

/** Whether a rule of these words holds for the event (for a proposer choosing words, and for tests). */
export const holdsFor = (when: readonly string[], eventText: string): boolean =>
  ruleApplies({ when: [...when] }, termsOf(eventText));

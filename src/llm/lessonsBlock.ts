import type { Lessons, RecalledExample } from "../memory/recall.js";
import { render } from "./prompt.js";

// What a model drafter is shown of the workspace's memory (issue 27): the examples nearest to the
// event, each its past event's text quoted as data and the reading a person gave or agreed with,
// then the rules people confirmed, each its statement (written by leanos, never by an event). The
// latest examples (Lessons.recent) are left out: they change with every judgement of any thread,
// and the block must stay the same across one thread's calls for its cached prefix to serve them.
// The words are prompts/lessons.md's.

/** How much of a past event's text an example shows, in characters. */
export const EXAMPLE_EVENT_CHARS = 1500;
/** How much of a person's reason for a correction an example shows, in characters. */
const REASON_CHARS = 300;
/** How long a name, id or value from the memory may be in the block (a thread, a user, a type). */
const NAME_CHARS = 80;

const chars = (text: string): string[] => Array.from(text);

/** A value on one line: control characters and line breaks become spaces, and it is cut to `max` characters. */
function oneLine(text: string, max = NAME_CHARS): string {
  const flat = text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  const list = chars(flat);
  return list.length > max ? `${list.slice(0, max - 1).join("")}…` : flat;
}

/**
 * A past event's text as it sits inside its fence: its tags (<past-event>, and the current event's
 * <event>) lose their angle bracket, so nothing in the text can close the fence or open another.
 */
export function fencedText(text: string): string {
  return unclosable(text.replace(/[\p{Cc}]/gu, (control) => (control === "\n" || control === "\t" ? control : " ")));
}

/** Text whose <event> and <past-event> tags lose their angle bracket: the current event's fence holds too. */
export const unclosable = (text: string): string => text.replace(/<(?=\s*\/?\s*(?:past-)?event\b)/giu, "‹");

type Reading = RecalledExample["example"]["final"];

const readingView = (reading: Reading) => ({
  type: oneLine(reading.type),
  assumptions: reading.assumptions.map((test) => `${oneLine(test.id)} ${oneLine(test.direction)}`).join(", ") || "none",
  verdict: reading.verdict ? oneLine(reading.verdict) : "",
});

function exampleView(entry: RecalledExample, index: number) {
  const { example } = entry;
  const text = chars(example.event.trim());
  const cut = text.length > EXAMPLE_EVENT_CHARS;
  return {
    number: index + 1,
    thread: oneLine(example.thread),
    similarity: entry.similarity.toFixed(2),
    text: fencedText(cut ? `${text.slice(0, EXAMPLE_EVENT_CHARS).join("").trimEnd()} …` : text.join("")),
    cut: cut ? { shown: EXAMPLE_EVENT_CHARS, length: text.length } : false,
    corrected: example.judged === "corrected",
    read: readingView(example.read),
    final: readingView(example.final),
    by: oneLine(example.by),
    on: oneLine(example.at.slice(0, 10)),
    reason: example.reason?.trim() ? oneLine(example.reason, REASON_CHARS).replaceAll('"', "'") : "",
  };
}

/** The lessons as one block of the user message, or nothing when the memory has no example near the event and no rule. */
export function lessonsText(lessons: Lessons | undefined): string | undefined {
  if (!lessons || (lessons.nearest.length === 0 && lessons.rules.length === 0)) return undefined;
  return render("lessons", {
    examples: lessons.nearest.map(exampleView),
    confirmed:
      lessons.rules.length > 0
        ? {
            rules: lessons.rules.map(({ rule }) => ({
              says: oneLine(rule.says, 300),
              by: oneLine(rule.by),
              on: oneLine(rule.at.slice(0, 10)),
            })),
          }
        : false,
  }).trimEnd();
}

import type { StageContext } from "../../stages/context.js";
import type { InputOutput } from "../../core/stageSchemas.js";
import { companyName } from "../../canvas/canvas.js";
import { extractFacts, extractNames } from "../../text/extract.js";
import { eventTitle } from "../../text/reading.js";
import { matchSegment } from "../../text/relevance.js";
import { offlineGoalLink } from "../../goals/link.js";
import { taughtType } from "./learned.js";
import { readingConfidence, understood } from "./stageBasis.js";

// The input stage by rules: the event's title, summary, facts, names and segment, as read from its text.

export function draftInput(context: StageContext): InputOutput {
  const { date, source } = context.event;
  const { reading } = understood(context);
  const reference = new Date(`${date}T12:00:00Z`);
  const names = extractNames(reading.text, companyName(context.canvas));
  const summary = reading.sentences.slice(0, 4).join(" ");
  const typed = typeTaught(context);
  return {
    title: eventTitle(reading, context.event.text),
    summary:
      (summary.length > 0 ? summary : "The event reports nothing the rules can read.") +
      (typed ? ` (read as a ${context.type} thread ${typed})` : ""),
    type: context.type,
    occurred_on: date,
    source,
    facts: extractFacts(reading.text, reference),
    organizations: names.organizations,
    people: names.people,
    segment: matchSegment(context.workspaceRoot, reading.text)?.segment ?? null,
    // Only where the workspace has goals: an output without them stays as it was.
    ...(context.goals && context.goals.length > 0
      ? { goal: offlineGoalLink(context.goals, context.type, context.event.text) }
      : {}),
    confidence: readingConfidence(context),
  };
}

/** Where the thread's type came from, when the workspace's memory taught it (classify read it the same way). */
function typeTaught(context: StageContext): string | undefined {
  const learned = taughtType(context.lessons, context.event.text);
  return learned && learned.value === context.type ? learned.from : undefined;
}

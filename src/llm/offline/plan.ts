import type { StageContext } from "../../stages/context.js";
import type { HypothesisOutput, InputOutput } from "../../core/stageSchemas.js";
import { possessive } from "../../files/plainTemplate.js";
import { eventTitle, readReport } from "../../text/reading.js";
import { offlineRules, type EventKind } from "./rules.js";

// The plan the rules follow for an event (its verdict, statement and actions), and the words a
// plan's titles are rendered with.

/** The names a plan's templates are rendered with: the customer, the segment, the event's title. */
export function eventView(context: StageContext, input: InputOutput | undefined): Record<string, string> {
  const names = input ?? {
    organizations: [] as string[],
    segment: null as string | null,
    title: eventTitle(readReport(context.event.text), context.event.text),
  };
  const org = names.organizations[0] ?? "the customer";
  return {
    org,
    org_possessive: possessive(org),
    segment: names.segment ?? "target",
    title: names.title,
  };
}

/**
 * The plan for this event: the kind's actions, its `when_invalidated` plan when a test disproved an
 * assumption (a disproof outweighs a support elsewhere), or its `when_challenged` plan when the tests
 * went against the canvas and supported none of it.
 */
export function planFor(
  kind: EventKind,
  hypothesis: HypothesisOutput | undefined,
  corrected = false,
): Pick<EventKind, "verdict" | "statement" | "actions"> {
  const directions = new Set(hypothesis?.tests.map((test) => test.direction) ?? []);
  const against = (directions.has("challenges") || directions.has("invalidates")) && !directions.has("validates");
  if (kind.when_invalidated && directions.has("invalidates")) return kind.when_invalidated;
  if (kind.when_challenged && against) return kind.when_challenged;
  // A person said the event goes against the canvas: a plan for good news does not follow from that.
  if (corrected && against && kind.verdict === "PROCEED") return offlineRules().when_corrected_against;
  return kind;
}

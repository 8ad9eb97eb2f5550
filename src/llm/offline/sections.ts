import type { StageContext } from "../../stages/context.js";
import type { SectionsOutput } from "../../core/stageSchemas.js";
import { eventTitle } from "../../text/reading.js";
import { termsOf } from "../../text/relevance.js";
import { builtOn, CHAIN, understood, withFeedback } from "./stageBasis.js";

// A workspace's own stage by rules: each heading its skill lists, filled with the event's sentences
// that share its words (or the event's facts when none does).

export function draftSections(context: StageContext): SectionsOutput {
  const { reading } = understood(context);
  const headings = context.skill.stage.sections ?? ["Notes"];
  const eventSentences = reading.sentences;
  const facts = context.outputs.input?.facts ?? [];
  const filled = headings.map((heading) => {
    const wanted = termsOf(heading);
    const related = eventSentences.filter((sentence) => [...termsOf(sentence)].some((term) => wanted.has(term)));
    const content =
      related.length > 0
        ? related.join(" ")
        : facts.length > 0
          ? `The event says nothing on ${heading.toLowerCase()} directly; its facts: ${facts.map((fact) => fact.text).join("; ")}.`
          : `The event says nothing on ${heading.toLowerCase()}.`;
    return { heading, content };
  });
  // A workspace's own stage builds on whichever stages ran before it.
  const earlier = CHAIN.filter((stage) => stage === "input" || context.outputs[stage] !== undefined);
  return {
    summary: withFeedback(context.outputs.input?.summary ?? eventTitle(reading, context.event.text), context),
    sections: filled,
    ...builtOn(context, earlier),
  };
}

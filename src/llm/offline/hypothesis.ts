import type { StageContext } from "../../stages/context.js";
import { boundMove, mostPoints, MOST_POINTS_PER_EVENT } from "../../stages/confidenceMoves.js";
import type { HypothesisOutput } from "../../core/stageSchemas.js";
import { barOf, judgeBar, measuredAgainst } from "../../text/bars.js";
import { extractFacts } from "../../text/extract.js";
import { workspaceCurrency } from "../../text/money.js";
import { eventTitle, type Reading } from "../../text/reading.js";
import { rankAssumptions, termsOf } from "../../text/relevance.js";
import { withTests } from "../../stages/pins.js";
import { taughtAssumptions } from "./learned.js";
import { countCues, offlineRules, type EventKind } from "./rules.js";
import { testsConfidence, understood, withFeedback } from "./stageBasis.js";

// The hypothesis stage by rules: which canvas assumptions an event tests, in which direction, with
// which sentences as evidence, and how far each one's confidence should move; or the tests the
// workspace's memory teaches for such an event.

// An event often tests two related beliefs; a second or third assumption is kept when it scores at
// least this share of the best one's relevance. Below it, the match is on words the event shares
// with many assumptions, not on the claim.
const CLOSE_SECOND = 0.6;
const MOST_TESTS = 3;
// Evidence is at most this many sentences: the ones that share most of the assumption's words.
const EVIDENCE_SENTENCES = 3;
// A belief the event's kind bears on (a cost rise bears on margin) ranks this much higher: half of
// what the best word match gives, so it wins a near tie. Only a belief that shares a word with the
// event is ranked at all, so it still has evidence sentences.
const BEARS_ON_WEIGHT = 0.5;

// How far one event moves a belief, in confidence points, within the most one event may move it
// (MOST_POINTS_PER_EVENT, 15: see stages/confidenceMoves.ts): every relevant event counts for 5; one
// that reports an outcome (a deal won, a figure measured) for 5 more than a signal of intent; a figure
// in the evidence 5 more (one figure measures; more repeat it). So only a measured outcome moves a
// belief the full 15 points.
const BASE_SHIFT = 5;
const OUTCOME_SHIFT = 5;
const FIGURE_SHIFT = 5;
const MOST_FIGURE_SHIFT = MOST_POINTS_PER_EVENT - BASE_SHIFT - OUTCOME_SHIFT;
// A setback moves a belief 60% as far as a success: one lost deal or missed figure more often has a
// cause outside the belief (price, timing, one buyer) than one success has luck. An invalidated belief
// falls by the whole of one event's bound: disproved here, but one event short of settled.
const SETBACK_WEIGHT = 0.6;

/** The sentences that support an assumption: those sharing most of its words, in the event's order. */
export function supportingSentences(reading: Reading, assumptionText: string): string[] {
  const wanted = termsOf(assumptionText);
  const scored = reading.sentences
    .map((sentence, index) => ({
      sentence,
      index,
      shared: [...termsOf(sentence)].filter((term) => wanted.has(term)).length,
    }))
    .filter((entry) => entry.shared > 0);
  return scored
    .sort((a, b) => b.shared - a.shared || a.index - b.index)
    .slice(0, EVIDENCE_SENTENCES)
    .sort((a, b) => a.index - b.index)
    .map((entry) => entry.sentence);
}

function directionOf(
  assumption: { title: string; hypothesis: string; status: string },
  evidence: readonly string[],
  kind: EventKind,
  home: string,
): "validates" | "challenges" | "invalidates" {
  // A number in the assumption is a bar the event either clears or misses (money: in the bar's own currency).
  const bar = barOf(`${assumption.title} ${assumption.hypothesis}`, home);
  const measured = bar && measuredAgainst(bar, evidence, home);
  if (bar && measured) return judgeBar(bar, measured.value);
  // What happened decides the direction of the beliefs it tests: a deal won or a metric up supports
  // them, a deal lost or a metric down goes against them, whatever words the evidence uses ("chose us
  // over a cheaper quote" is a win). Only an event of mixed or no clear polarity is read from its words.
  const rules = offlineRules();
  const text = evidence.join(" ");
  const lean = Math.sign(countCues(text, rules.positive_cues) - countCues(text, rules.negative_cues));
  // A complaint bears out a claim that customers need the thing that failed them.
  if (kind.shows_needs && countCues(assumption.title, rules.need_cues) > 0) return "validates";
  const polarity = kind.polarity === "positive" ? 1 : kind.polarity === "negative" ? -1 : lean;
  if (polarity >= 0) return "validates";
  return assumption.status === "CHALLENGED" && kind.outcome_known ? "invalidates" : "challenges";
}

/** The tests the rules draft: the assumptions the event bears on most, each with its direction and move. */
export function testsByRules(
  context: StageContext,
  reading: Reading,
  kind: EventKind,
): Pick<HypothesisOutput, "tests"> {
  const ranked = rankAssumptions(context.canvas.assumptions, reading.text, reading.firstLine)
    .map((entry) =>
      kind.bears_on.length > 0 &&
      countCues(`${entry.assumption.title} ${entry.assumption.hypothesis}`, kind.bears_on) > 0
        ? { ...entry, score: entry.score + BEARS_ON_WEIGHT }
        : entry,
    )
    .sort((a, b) => b.score - a.score || a.assumption.id.localeCompare(b.assumption.id));
  const top = ranked[0];
  const chosen = top
    ? ranked.filter((entry, index) => index === 0 || (index < MOST_TESTS && entry.score >= top.score * CLOSE_SECOND))
    : [];
  const reference = new Date(`${context.event.date}T12:00:00Z`);
  const home = workspaceCurrency(context.canvas);
  const tests: HypothesisOutput["tests"] = chosen.flatMap(({ assumption }) => {
    const evidence = supportingSentences(reading, `${assumption.title} ${assumption.hypothesis}`);
    if (evidence.length === 0) return [];
    const evidenceText = evidence.join(" ");
    const direction = directionOf(assumption, evidence, kind, home);
    const figures = extractFacts(evidenceText, reference).length;
    const shift =
      BASE_SHIFT + (kind.outcome_known ? OUTCOME_SHIFT : 0) + Math.min(MOST_FIGURE_SHIFT, figures * FIGURE_SHIFT);
    const previous = assumption.confidence;
    // One event never makes a belief certain (95) or impossible (5), and a second-hand report moves it
    // less (the same bound the stage's policy enforces, so the draft needs no correcting).
    const proposed = boundMove(
      previous,
      direction === "validates"
        ? Math.min(95, previous + shift)
        : direction === "challenges"
          ? Math.max(5, previous - Math.round(shift * SETBACK_WEIGHT))
          : Math.max(5, previous - MOST_POINTS_PER_EVENT),
      mostPoints(evidenceText),
    );
    return [
      {
        assumption_id: assumption.id,
        title: assumption.title,
        direction,
        previous_confidence: previous,
        proposed_confidence: proposed,
        evidence: evidenceText,
      },
    ];
  });
  if (tests.length === 0) {
    // A belief the canvas does not hold yet starts at 30%: stated, but one event short of a test.
    tests.push({
      assumption_id: "NEW",
      title: `${eventTitle(reading, reading.text)}: a belief the canvas does not state yet`,
      direction: "new",
      previous_confidence: null,
      proposed_confidence: 30,
      evidence: reading.sentences.slice(0, 2).join(" ") || "The event reports nothing the rules can read.",
    });
  }
  return { tests };
}

/** The hypothesis stage: the tests (the rules', or those the workspace's memory teaches), summed up. */
export function draftHypothesis(context: StageContext): HypothesisOutput {
  const { tests, from } = testsOf(context);
  const summary = tests
    .map((test) =>
      test.assumption_id === "NEW"
        ? `No canvas assumption covers this event; proposes a new one (confidence ${test.proposed_confidence}%).`
        : `${test.direction} ${test.assumption_id} (${test.title}): ${test.previous_confidence}% -> ${test.proposed_confidence}%.`,
    )
    .join(" ");
  const said = from ? `${summary} (tested ${from})` : summary;
  return { tests, summary: withFeedback(said, context), confidence: testsConfidence(context, tests) };
}

/** The tests the rules draft, or those the workspace's memory teaches for the event, and where those came from. */
function testsOf(context: StageContext): { tests: HypothesisOutput["tests"]; from?: string } {
  const { reading, kind } = understood(context);
  const drafted = testsByRules(context, reading, kind);
  const read = drafted.tests.map((test) => ({ id: test.assumption_id, direction: test.direction }));
  const learned = taughtAssumptions(context.lessons, context.event.text, read);
  if (!learned) return drafted;
  return {
    tests: withTests(
      { ...drafted, summary: "" },
      learned.value,
      context.canvas,
      learned.from.replace(/^as in /, "the reading of "),
    ).tests,
    from: learned.from,
  };
}

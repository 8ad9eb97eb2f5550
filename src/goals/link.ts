import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { GoalLink } from "../core/stageSchemas.js";
import { toolPath } from "../files/toolRoot.js";
import { metricKey } from "./criterion.js";
import type { Goal } from "./goals.js";

// Linking an event to the active goal it serves. The offline drafter links by the families of
// prompts/offline/goal-links.yaml; a model drafter names the goal itself. Either way the link is
// checked here against the workspace's active goals before it is kept: a drafter (or a served
// client's state) cannot link a thread to a goal that is not there.

const Family = z.object({
  name: z.string(),
  metrics: z.array(z.string()).min(1),
  types: z.array(z.string()),
  words: z.array(z.string()),
});
const LinkRules = z.object({ families: z.array(Family).min(1) });
type Family = z.infer<typeof Family>;

let rules: z.infer<typeof LinkRules> | undefined;
const linkRules = () =>
  (rules ??= LinkRules.parse(parseYaml(readFileSync(toolPath("prompts", "offline", "goal-links.yaml"), "utf8"))));

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The first of `phrases` the text says as whole words, in any case. */
const said = (text: string, phrases: readonly string[]): string | undefined =>
  phrases.find((phrase) => new RegExp(`(?<![\\p{L}\\p{N}])${escaped(phrase)}(?![\\p{L}\\p{N}])`, "iu").test(text));

/** The family a metric belongs to: one of its metric names is the metric, or part of it. */
function familyOf(metric: string): Family | undefined {
  const key = metricKey(metric);
  return linkRules().families.find((family) => family.metrics.some((name) => key.includes(metricKey(name))));
}

interface Candidate {
  goal: Goal;
  score: number;
  reason: string;
}

/** How strongly an event of `type` saying `text` moves one of the goal's metrics, and why; undefined when it does not. */
function candidate(goal: Goal, type: string, text: string): Candidate | undefined {
  let best: Candidate | undefined;
  for (const { criterion } of goal.criteria) {
    const named = said(text, [criterion.metric]);
    const family = familyOf(criterion.metric);
    const typed = family?.types.includes(type) ?? false;
    const word = family ? said(text, family.words) : undefined;
    const score = (named ? 2 : 0) + (typed ? 1 : 0) + (word ? 1 : 0);
    // The metric named, or an event of the family's type that says one of its words.
    if (!named && !(typed && word)) continue;
    const reason = named
      ? `the event names ${criterion.metric}, a criterion of ${goal.front.id}`
      : `a ${type} event that says "${word}" moves ${criterion.metric}, a criterion of ${goal.front.id}`;
    if (!best || score > best.score) best = { goal, score, reason };
  }
  return best;
}

/** The active goal an event serves by the offline rules, or null: the strongest, then the nearest deadline. */
export function offlineGoalLink(goals: readonly Goal[], type: string, text: string): GoalLink | null {
  const found = goals
    .filter((goal) => goal.front.status === "active")
    .flatMap((goal) => candidate(goal, type, text) ?? [])
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.goal.front.deadline.localeCompare(b.goal.front.deadline) ||
        a.goal.front.id.localeCompare(b.goal.front.id),
    )[0];
  return found ? { id: found.goal.front.id, reason: found.reason } : null;
}

/**
 * A drafted link as it may be kept: to an active goal of the workspace, with a subgoal that goal has.
 * Anything else is dropped (null), whoever drafted it.
 */
export function verifiedGoalLink(link: GoalLink | null | undefined, goals: readonly Goal[]): GoalLink | null {
  if (!link) return null;
  const goal = goals.find((candidate) => candidate.front.id === link.id && candidate.front.status === "active");
  if (!goal) return null;
  const subgoal = link.subgoal && goal.subgoals.some((entry) => entry.id === link.subgoal) ? link.subgoal : undefined;
  return { id: link.id, ...(subgoal ? { subgoal } : {}), reason: link.reason };
}

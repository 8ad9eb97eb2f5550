import { UsageError } from "../errors.js";
import type { ActionTemplate } from "../stages/context.js";

// Where an action's outcome leads: the next action type, the learning stage, or a closing state
// that ends the chain (and then the thread goes on to learning).

export const CLOSING_STATES = ["closed-won", "closed-lost", "disqualified"] as const;

export type Route = { kind: "action"; type: string } | { kind: "learning" } | { kind: "closed"; state: string };

/** Every outcome of every template must lead somewhere real; a typo is exit 2 naming the file. */
export function checkRouting(templates: Map<string, ActionTemplate>): void {
  for (const template of templates.values()) {
    for (const [outcome, target] of Object.entries(template.action.outcomes)) {
      if (target === "learning" || (CLOSING_STATES as readonly string[]).includes(target) || templates.has(target))
        continue;
      throw new UsageError(
        `invalid skill ${template.file}: metadata.outcomes.${outcome}: "${target}" is not an action type with a template, "learning", or a closing state (${CLOSING_STATES.join(", ")})`,
      );
    }
    if (template.action.default_outcome && !(template.action.default_outcome in template.action.outcomes)) {
      throw new UsageError(
        `invalid skill ${template.file}: metadata.default_outcome: "${template.action.default_outcome}" is not one of its outcomes`,
      );
    }
  }
}

export function routeOutcome(template: ActionTemplate, outcome: string): Route {
  const target = template.action.outcomes[outcome];
  if (target === undefined) {
    throw new UsageError(
      `outcome "${outcome}" is not listed by ${template.action.type} (its outcomes: ${Object.keys(template.action.outcomes).join(", ")})`,
    );
  }
  if (target === "learning") return { kind: "learning" };
  if ((CLOSING_STATES as readonly string[]).includes(target)) return { kind: "closed", state: target };
  return { kind: "action", type: target };
}

import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { toolPath } from "../files/toolRoot.js";
import { amountsIn } from "../text/money.js";
import type { Measurable } from "./measurable.js";
import { hardName, type HardConstraint, type Values } from "./valuesFile.js";

// The hard constraints of strategy/values.md that have a measurable form, checked in code against
// what an action would do, before it runs: the sums and discounts its texts state (the thread's
// event, the action's title and note, the documents it carries out), the regions they name, and for
// an action that sends, the day and hour it would go out (UTC). An action that breaks one does not
// run, whatever the autonomy mode, the impact or a person's accept; prose constraints are not checked
// here (a model drafter judges them at a gate).

export interface ActionUnderCheck {
  /** What the action would carry out, in words: the event, its title and note, its documents. */
  texts: readonly string[];
  /** It sends to customers (its executor is send). */
  sends: boolean;
  now: Date;
}

export interface Breach {
  constraint: HardConstraint;
  /** What breaks it, in words ("the plan states a budget of €5,000; the ceiling is €3,000"). */
  reason: string;
}

const SPEND_WORDS = /\b(budget|spend|spending|ad spend|ads|paid|media|sponsor(ed|ship)?|cost)\b/i;
const DISCOUNT_WORDS = /\b(discount|off|rebate|markdown)\b/i;
let groups: string[][] | undefined;
/** prompts/offline/regions.yaml: the names that mean one region. */
const regionGroups = (): string[][] =>
  (groups ??= z
    .object({ regions: z.array(z.array(z.string().min(1)).min(1)) })
    .parse(parseYaml(readFileSync(toolPath("prompts", "offline", "regions.yaml"), "utf8"))).regions);

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** The clause a figure is in: a sum is a spend, a share a discount, by the words of its own clause. */
function around(text: string, index: number, end: number): string {
  const before = text.slice(0, index);
  const start = Math.max(
    ...[",", ".", ";", ":", "\n", " and "].map((mark) => before.lastIndexOf(mark) + mark.length),
    0,
  );
  const rest = text.slice(end);
  const stops = [",", ".", ";", "\n", " and "].map((mark) => rest.indexOf(mark)).filter((at) => at >= 0);
  return text.slice(start, end + (stops.length > 0 ? Math.min(...stops) : rest.length));
}

const named = (text: string, region: string): boolean =>
  new RegExp(`(?<![\\p{L}])${region.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}])`, "u").test(text);

/** What in the action breaks a measurable form, in words; undefined when nothing does. */
export function formBreach(form: Measurable, action: ActionUnderCheck, home: string): string | undefined {
  switch (form.kind) {
    case "spend": {
      const over = action.texts
        .flatMap((text) => amountsIn(text, home).filter((sum) => SPEND_WORDS.test(around(text, sum.index, sum.end))))
        .filter((sum) => sum.currency === form.limit.currency && sum.value > form.limit.value)
        .sort((a, b) => b.value - a.value)[0];
      return over
        ? `the plan states a spend of ${over.text.trim()}, over the ceiling of ${form.limit.currency} ${form.limit.value.toLocaleString("en-US")}${form.per === "month" ? " a month" : ""}`
        : undefined;
    }
    case "discount": {
      const over = action.texts
        .flatMap((text) =>
          [...text.matchAll(/(\d+(?:[.,]\d+)?)\s*%/g)]
            .filter((match) => DISCOUNT_WORDS.test(around(text, match.index, match.index + match[0].length)))
            .map((match) => Number(match[1]!.replace(",", "."))),
        )
        .filter((percent) => percent > form.max)
        .sort((a, b) => b - a)[0];
      return over !== undefined ? `the plan states a discount of ${over}%, over the limit of ${form.max}%` : undefined;
    }
    case "region": {
      const text = action.texts.join("\n");
      if ("never" in form) {
        const region = regionGroups()
          .filter((group) => form.never.some((name) => group.includes(name)))
          .flat()
          .concat(form.never)
          .find((candidate) => named(text, candidate));
        return region ? `the plan names ${region}, where the company does not act` : undefined;
      }
      const outside = regionGroups()
        .filter((group) => !form.only.some((name) => group.includes(name)))
        .flat()
        .find((candidate) => named(text, candidate));
      return outside ? `the plan names ${outside}, outside ${form.only.join(", ")}` : undefined;
    }
    case "send-days": {
      const day = action.now.getUTCDay();
      return action.sends && form.never.includes(day) ? `it would send on a ${WEEKDAYS[day]} (UTC)` : undefined;
    }
    case "send-hours": {
      const hour = action.now.getUTCHours();
      return action.sends && (hour < form.from || hour >= form.to)
        ? `it would send at ${String(hour).padStart(2, "0")}:${String(action.now.getUTCMinutes()).padStart(2, "0")} UTC, outside ${form.from}:00-${form.to}:00`
        : undefined;
    }
  }
}

/** Every measurable hard constraint the action would break; `home` is the workspace's currency. */
export function breaches(values: Values | undefined, action: ActionUnderCheck, home: string): Breach[] {
  return (values?.hard ?? []).flatMap((constraint) => {
    if (!constraint.form) return [];
    const reason = formBreach(constraint.form, action, home);
    return reason ? [{ constraint, reason }] : [];
  });
}

/** A breach in words, naming the constraint, where it is written and why it is hard. */
export const describeBreach = (breach: Breach, file: string): string =>
  `blocked by the hard constraint "${hardName(breach.constraint)}" (${file}:${breach.constraint.line}${breach.constraint.why ? `; ${breach.constraint.why}` : ""}): ${breach.reason}`;

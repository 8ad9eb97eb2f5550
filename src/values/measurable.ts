import { amountsIn, type Sum } from "../text/money.js";

// The measurable forms of a hard constraint, read from its words: a spend ceiling, a discount limit,
// the regions the company may act in, and the days and hours it may send. Code checks these before
// any action runs (check.ts); a constraint in none of these forms is prose, for a model drafter to
// judge at a gate.

export type Measurable =
  | { kind: "spend"; limit: { value: number; currency: string }; per: "month" | "action" }
  | { kind: "discount"; max: number }
  | { kind: "region"; only: string[] }
  | { kind: "region"; never: string[] }
  | { kind: "send-days"; never: number[] }
  | { kind: "send-hours"; from: number; to: number };

const SPEND =
  /\b(spend|spending|budget|ad spend|marketing spend|cost)s?\b.*\b(ceiling|cap|capped|limit|limited|max(imum)?|at most|no more than|under|below|up to)\b|\b(ceiling|cap|limit|max(imum)?)\b.*\b(spend|spending|budget)\b/i;
const DISCOUNT = /\bdiscounts?\b/i;
const PERCENT = /(\d+(?:[.,]\d+)?)\s*%/;
const WEEKEND =
  /\b(no|never)\b.*\b(sends?|sending|emails?|messages?|outreach|posts?)\b.*\bweekends?\b|\bweekends?\b.*\b(no|never)\b.*\b(sends?|emails?|messages?)\b/i;
const HOURS =
  /\b(sends?|sending|emails?|messages?|outreach)\b.*?\b(\d{1,2})(?::(\d{2}))?\s*(?:-|–|to|and)\s*(\d{1,2})(?::(\d{2}))?\b/i;
const ONLY_REGION =
  /\b([A-Z]{2,3}|[A-Z][a-z]+)(?:\s*\/\s*([A-Z]{2,3}))?[- ]only\b|\bonly in (?:the )?([A-Z][\w ,]+?)(?:\s+for\b|[.;—–]|$)/;
const NEVER_REGION = /\b(?:[Nn]o|[Nn]ever)\b[^.;—–]*\b(?:in|to|into)\s+(?:the\s+)?([A-Z]{2,3}|[A-Z][a-z]+)\b/;

/** The currency a ceiling is in when its sign may mean several (the workspace's). */
function ceilingOf(text: string, home: string): Sum | undefined {
  return amountsIn(text, home)[0];
}

const regionsIn = (text: string): string[] =>
  text
    .split(/,|\band\b|\//)
    .map((part) => part.trim())
    .filter(Boolean);

/** The measurable form of a hard constraint's text, or undefined for prose. */
export function measurableForm(text: string, home: string): Measurable | undefined {
  if (SPEND.test(text)) {
    const limit = ceilingOf(text, home);
    if (limit)
      return {
        kind: "spend",
        limit: { value: limit.value, currency: limit.currency },
        per: /\b(month|monthly|per month|a month|\/mo)\b/i.test(text) ? "month" : "action",
      };
  }
  if (DISCOUNT.test(text)) {
    const max = PERCENT.exec(text);
    if (max) return { kind: "discount", max: Number(max[1]!.replace(",", ".")) };
  }
  if (WEEKEND.test(text)) return { kind: "send-days", never: [0, 6] };
  const hours = HOURS.exec(text);
  if (hours && /\b(only|between|from)\b/i.test(text)) {
    const from = Number(hours[2]);
    const to = Number(hours[4]);
    if (from < 24 && to <= 24 && from < to) return { kind: "send-hours", from, to };
  }
  const only = ONLY_REGION.exec(text);
  if (only) {
    const named = only[3] ? regionsIn(only[3]) : [only[1]!, ...(only[2] ? [only[2]] : [])];
    return { kind: "region", only: named };
  }
  const never = NEVER_REGION.exec(text);
  if (never && /\b(sell|sales?|sends?|ship|market|operate|customers?|leads?|outreach)\b/i.test(text))
    return { kind: "region", never: [never[1]!] };
  return undefined;
}

/** The form in words, as `leanos values` and a blocked action say it. */
export function describeForm(form: Measurable): string {
  switch (form.kind) {
    case "spend":
      return `spend at most ${form.limit.currency} ${form.limit.value.toLocaleString("en-US")} ${form.per === "month" ? "a month" : "per action"}`;
    case "discount":
      return `a discount of at most ${form.max}%`;
    case "region":
      return "only" in form ? `only in ${form.only.join(", ")}` : `never in ${form.never.join(", ")}`;
    case "send-days":
      return "no sending on Saturdays or Sundays";
    case "send-hours":
      return `sending only from ${form.from}:00 to ${form.to}:00`;
  }
}

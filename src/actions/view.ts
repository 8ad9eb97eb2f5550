import Mustache from "mustache";
import { companyName } from "../llm/prompt.js";
import type { ActionTemplate, StageContext } from "../stages/context.js";
import type { PlannedAction } from "../stages/schemas.js";

/** The data an action's asset templates are rendered with: the thread's facts, decision and earlier artifacts. */
export function actionView(context: StageContext, action: PlannedAction, template: ActionTemplate, plan: readonly PlannedAction[]): Record<string, unknown> {
  const { input, hypothesis, implication, decision } = context.outputs;
  const facts = input?.facts ?? [];
  const slug = context.thread.split("/")[1]!;
  return {
    company: companyName(context.canvas),
    thread: context.thread,
    thread_slug: slug,
    campaign_slug: slug,
    title: input?.title ?? context.thread,
    type: context.type,
    today: context.today,
    event: context.event,
    org: input?.organizations[0] ?? "the customer",
    people: input?.people ?? [],
    segment: input?.segment ?? "",
    summary: input?.summary ?? "",
    facts: facts.map((fact) => ({ kind: fact.kind, text: fact.text })),
    money: facts.filter((fact) => fact.kind === "money").map((fact) => fact.text),
    percents: facts.filter((fact) => fact.kind === "percent").map((fact) => fact.text),
    // Templates name an assumption by {{id}}, as the canvas does.
    assumptions: (hypothesis?.tests ?? []).map((test) => ({ ...test, id: test.assumption_id })),
    decision: decision ? { verdict: decision.verdict, statement: decision.statement, rationale: decision.rationale } : { verdict: "", statement: "", rationale: "" },
    impact: implication?.impact_score ?? "",
    factors: implication?.factors ?? [],
    risks: implication?.risks ?? [],
    action: { id: action.id, type: action.type, title: action.title, owner: action.owner, due: action.due },
    artifacts: plan.flatMap((other) => (other.id === action.id ? [] : (other.artifacts ?? []))).map((path) => ({ path })),
    outcomes: Object.entries(template.action.outcomes).map(([name, next]) => ({ name, next })),
    // {{#yaml}}...{{/yaml}} in an asset's front-matter writes the rendered text as one YAML string, so
    // a value with ": ", quotes or "#" cannot break the block.
    yaml: () => (text: string, render: (text: string) => string) => yamlString(render(text)),
  };
}

/**
 * A string as a YAML double-quoted scalar. JSON's quoting is valid YAML; the characters YAML parsers
 * refuse raw (DEL, C1 controls, U+FFFE/U+FFFF, line and paragraph separators) are escaped as well.
 */
export function yamlString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Renders an asset template. Markdown, not HTML: values are written as they are (AT&T stays AT&T). */
export function renderAsset(template: string, view: Record<string, unknown>): string {
  return Mustache.render(template, view, {}, { escape: (text: string) => text });
}

import { renderPlain } from "../files/plainTemplate.js";
import { sectionText, type Canvas } from "../canvas/canvas.js";
import type { CanvasRole } from "../canvas/layouts.js";
import { companyName } from "../canvas/canvas.js";
import type { ActionTemplate, StageContext } from "../stages/context.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import { possessive } from "../files/plainTemplate.js";

/** The data an action's asset templates are rendered with: the thread's facts, decision and earlier artifacts. */
export function actionView(
  context: StageContext,
  action: PlannedAction,
  template: ActionTemplate,
  plan: readonly PlannedAction[],
): Record<string, unknown> {
  const { input, hypothesis, implication, decision } = context.outputs;
  const facts = input?.facts ?? [];
  const slug = context.thread.split("/")[1]!;
  return {
    company: companyOf(context.canvas),
    thread: context.thread,
    thread_slug: slug,
    campaign_slug: slug,
    title: input?.title ?? context.thread,
    type: context.type,
    today: context.today,
    event: context.event,
    org: input?.organizations[0] ?? "the customer",
    // "{{org}}'s" would write "Acme Partners's", or "the customer's" as intended only by luck.
    org_possessive: possessive(input?.organizations[0] ?? "the customer"),
    people: input?.people ?? [],
    segment: input?.segment ?? "",
    ...canvasPitch(context.canvas, input?.segment ?? ""),
    summary: input?.summary ?? "",
    facts: facts.map((fact) => ({ kind: fact.kind, text: fact.text })),
    money: facts.filter((fact) => fact.kind === "money").map((fact) => fact.text),
    percents: facts.filter((fact) => fact.kind === "percent").map((fact) => fact.text),
    // Templates name an assumption by {{id}}, as the canvas does.
    assumptions: (hypothesis?.tests ?? []).map((test) => ({ ...test, id: test.assumption_id })),
    decision: decision
      ? { verdict: decision.verdict, statement: decision.statement, rationale: decision.rationale }
      : { verdict: "", statement: "", rationale: "" },
    impact: implication?.impact_score ?? "",
    factors: implication?.factors ?? [],
    risks: implication?.risks ?? [],
    action: { id: action.id, type: action.type, title: action.title, owner: action.owner, due: action.due },
    artifacts: plan
      .flatMap((other) => (other.id === action.id ? [] : (other.artifacts ?? [])))
      .map((path) => ({ path })),
    outcomes: Object.entries(template.action.outcomes).map(([name, next]) => ({ name, next })),
    // {{#yaml}}...{{/yaml}} in an asset's front-matter writes the rendered text as one YAML string, so
    // a value with ": ", quotes or "#" cannot break the block.
    yaml: () => (text: string, render: (text: string) => string) => yamlString(render(text)),
  };
}

/**
 * What the canvas says about the thread's segment and the company's offer. Templates quote these
 * instead of any one company's product or market words, so the same asset reads right for a sleep
 * app or a translation agency. Every field is empty when the canvas does not say it.
 */
export interface CanvasPitch {
  /** 04-segments: the segment's name in the row of its slug, else the slug in words ("" without a segment). */
  segment_name: string;
  /** 04-segments: the segment's **Buying centre:** (who buys, who can veto). */
  buyers: string;
  /** 04-segments: the segment's **Why they buy:** (or **Why they pay:**). */
  why_they_buy: string;
  /** 05-problem: the items under the segment's heading, each by its bold lead-in or first sentence. */
  problems: string[];
  /** 05-problem: the rows of the table whose first column is the alternative the customer uses today. */
  alternatives: Array<{ name: string; shortfall: string }>;
  /** 06-solution: the first paragraph under "What we sell" (or "What you build"), else 01-context's **Product:** line. */
  offer: string;
  /** 07-uvp: the single-sentence promise, the first paragraph set wholly in bold (else the first entry of the section). */
  uvp: string;
  /** 07-uvp: the segment's headline and proof lines. */
  headline: string;
  proof: string;
}

export function canvasPitch(canvas: Canvas, segment: string): CanvasPitch {
  const section = (role: CanvasRole): string => sectionText(canvas, role);
  const segments = blockOf(section("segments"), segment);
  const uvp = section("uvp");
  const pitch = blockOf(uvp, segment);
  return {
    segment_name: segment ? (segmentRowName(section("segments"), segment) ?? segment.replace(/[-_]+/g, " ")) : "",
    buyers: labelled(segments, /buying cent(?:re|er)|buyers?/i),
    why_they_buy: labelled(segments, /why they (?:buy|pay)/i),
    problems: entries(blockOf(section("problem"), segment))
      .map(leadIn)
      .filter(Boolean),
    alternatives: alternativesOf(section("problem")),
    offer:
      firstEntry(blockUnder(section("solution"), (heading) => /what (?:we|you) (?:sell|build|offer)/i.test(heading))) ||
      labelled(section("context"), /product|what we sell/i),
    uvp: boldParagraph(uvp) || firstEntry(blockUnder(uvp, () => true)),
    headline: labelled(pitch, /headline/i),
    proof: labelled(pitch, /proof/i),
  };
}

/**
 * The company's name for documents: a `**Company:**` line, else 01-context's `**Name:**` without its
 * legal form ("Acme Health Inc. (registered 2019)" is Acme Health), else companyName's guess. The guess
 * alone takes the first CamelCase word, which in a canvas is as often a vendor as the company.
 */
export function companyOf(canvas: Canvas): string {
  const context = sectionText(canvas, "context");
  if (/\*\*Company:\*\*/.test(context)) return companyName(canvas);
  const name = labelled(context, /name/)
    .split(/\s\(|[,;]/)[0]!
    .replace(/\s+(?:inc|ltd|llc|gmbh|sas|sa|ag|bv|b\.v|plc|corp|corporation|limited)\.?$/i, "")
    .trim();
  return name || companyName(canvas);
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

/** One line of text: markdown line breaks and runs of spaces folded, a closing full stop dropped (templates add their own). */
const clean = (text: string): string =>
  text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/(?<!\.)\.$/, "");

/** The lines under the first heading `matches` accepts, up to the next heading of its level or higher. */
function blockUnder(text: string, matches: (heading: string) => boolean): string {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => {
    const heading = HEADING.exec(line);
    return heading !== null && matches(heading[2]!);
  });
  if (start < 0) return "";
  const level = HEADING.exec(lines[start]!)![1]!.length;
  const end = lines.findIndex((line, index) => index > start && (HEADING.exec(line)?.[1]!.length ?? 7) <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** The block of the segment: the canvas gives each segment a heading that names its slug. */
function blockOf(text: string, segment: string): string {
  if (!segment) return "";
  const slug = new RegExp(
    `(?<![\\p{L}\\p{N}-])${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}-])`,
    "iu",
  );
  return blockUnder(text, (heading) => slug.test(heading.replace(/`/g, "")));
}

/** The value of a `**Label:**` line, with the indented lines that continue it. */
function labelled(text: string, label: RegExp): string {
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const match = /^\s*(?:[-*+]\s+)?\*\*([^*]+?):\*\*\s*(.*)$/.exec(line);
    if (!match || !new RegExp(`^(?:${label.source})$`, "i").test(match[1]!.trim())) continue;
    const value = [match[2]!];
    for (const next of lines.slice(index + 1)) {
      if (!/^\s+\S/.test(next) || /^\s*(?:[-*+]|\d+\.)\s/.test(next)) break;
      value.push(next);
    }
    return clean(value.join(" "));
  }
  return "";
}

/** The top-level list items of a block, each with its continuation lines. */
function entries(text: string): string[] {
  const items: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const item = /^(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) items.push(item[1]!);
    else if (items.length > 0 && /^\s+\S/.test(line)) items[items.length - 1] += ` ${line.trim()}`;
  }
  return items.map(clean).filter(Boolean);
}

/** An item by its bold lead-in ("**Data control.** Security teams...") or, without one, its first sentence. */
function leadIn(item: string): string {
  const bold = /^\*\*(.+?)\*\*/.exec(item)?.[1];
  return clean(bold ?? item.split(/(?<=[.!?])\s/)[0]!);
}

/** The first paragraph or list item with text in a block, skipping italic notes such as "_Last updated..._". */
function firstEntry(text: string): string {
  for (const paragraph of text.split(/\n\s*\n/)) {
    const trimmed = paragraph.trim();
    if (!trimmed || /^_.*_$/s.test(trimmed) || HEADING.test(trimmed) || trimmed.startsWith("|")) continue;
    // A list's first item with text; an empty bullet (a skeleton not filled in yet) is no entry.
    const first = /^(?:[-*+]|\d+[.)])(?:\s|$)/.test(trimmed) ? entries(`${trimmed} `)[0] : clean(trimmed);
    if (first) return clean(first.replace(/\*\*/g, ""));
  }
  return "";
}

/** The first paragraph that is bold from end to end: how a canvas sets its one-sentence promise apart. */
function boldParagraph(text: string): string {
  for (const paragraph of text.split(/\n\s*\n/)) {
    const bold = /^\*\*([^*]+)\*\*$/.exec(paragraph.trim())?.[1];
    if (bold) return clean(bold);
  }
  return "";
}

/** The segment's name: the cell after its slug in a table row such as "| `slug` | Name | ...". */
function segmentRowName(text: string, segment: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const cells = tableCells(line);
    const at = cells.findIndex((cell) => cell.replace(/`/g, "") === segment);
    if (at >= 0 && cells[at + 1]) return clean(cells[at + 1]!);
  }
  return undefined;
}

function tableCells(line: string): string[] {
  if (!line.trim().startsWith("|")) return [];
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((cell) => cell.trim());
}

/** The rows of the alternatives table (first column the alternative, last why it falls short). */
function alternativesOf(text: string): Array<{ name: string; shortfall: string }> {
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((line) => /alternative/i.test(tableCells(line)[0] ?? ""));
  if (header < 0) return [];
  const rows: Array<{ name: string; shortfall: string }> = [];
  for (const line of lines.slice(header + 1)) {
    const cells = tableCells(line);
    if (cells.length === 0) break;
    if (cells.every((cell) => /^:?-+:?$/.test(cell))) continue;
    if (cells.length >= 2 && cells[0]) rows.push({ name: clean(cells[0]), shortfall: clean(cells[cells.length - 1]!) });
  }
  return rows;
}

/**
 * A string as a YAML double-quoted scalar. JSON's quoting is valid YAML; the characters YAML parsers
 * refuse raw (DEL, C1 controls, U+FFFE/U+FFFF, line and paragraph separators) are escaped as well.
 */
export function yamlString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Renders an asset template. Markdown, not HTML: values are written as they are (AT&T stays AT&T). */
export function renderAsset(template: string, view: Record<string, unknown>): string {
  return renderPlain(template, view);
}

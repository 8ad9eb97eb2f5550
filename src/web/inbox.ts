import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { reasonsOf } from "../approvals/present.js";
import { parseFrontMatter } from "../files/frontMatter.js";
import { readText } from "../files/readText.js";
import { stageFileOf } from "../graph/stageFile.js";
import { gateLabel } from "../core/gateLabel.js";
import type { GivenAnswer } from "../gates/wire.js";
import { UsageError } from "../errors.js";
import { AnswerRefused, type GateRefusal } from "../core/refusal.js";
import type { Runtime } from "../runtime/engine.js";
import type { PendingItem } from "../core/threadMeta.js";
import { fileView } from "./files.js";
import { pageAt, pageOf, pagingView } from "./paging.js";
import { escapeHtml } from "./render.js";
import { metaOf, waitingThreads } from "./waiting.js";

// The inbox: what waits, highest impact first, a page at a time, each with why (the impact factors and
// the assumptions tested), what to judge (the draft, or the canvas diff) and the answers its gate
// allows. An answer is given to the runtime as any client gives it, naming the question it answers
// (the item's interrupt id), so a form sent twice, or after the question moved on, lands on nothing;
// the gate's own rules decide whether it stands.

/** What a form posted for one item. */
export interface PostedAnswer {
  thread: string;
  interrupt: string | undefined;
  answer: string;
  outcome?: string;
  reason?: string;
  feedback?: string;
  /** `field:NAME` inputs, by NAME, as typed. */
  fields: Record<string, string>;
}

/** An answer that was refused, shown again next to the item it was for. */
export interface Refusal {
  thread: string;
  interrupt: string | undefined;
  message: string;
  /** The form's field the refusal is about, when it is one of the item's fields. */
  field?: string;
  /** What was typed, so nothing typed is lost. */
  fields: Record<string, string>;
}

const shown = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** A unified diff as lines marked added, removed, hunk header or context. */
function diffLines(diff: string): Array<{ kind: string; text: string }> {
  return diff
    .trimEnd()
    .split("\n")
    .filter((line) => !/^=+$/.test(line))
    .map((text) => ({
      text,
      kind: text.startsWith("@@")
        ? "hunk"
        : text.startsWith("+") && !text.startsWith("+++")
          ? "add"
          : text.startsWith("-") && !text.startsWith("---")
            ? "del"
            : "ctx",
    }));
}

/** A draft as HTML, as its file's page shows it; what cannot be read says why. */
async function draftHtml(root: string, path: string): Promise<string> {
  try {
    const view = await fileView(root, path);
    return view.html ?? `<pre class="file">${escapeHtml(view.text ?? "")}</pre>`;
  } catch (error) {
    return `<p class="empty">${escapeHtml((error as Error).message)}</p>`;
  }
}

const sameItem = (item: PendingItem, refusal: Refusal | undefined): refusal is Refusal =>
  refusal !== undefined && refusal.thread === item.thread && (refusal.interrupt ?? "") === (item.id ?? "");

/** The stage outputs that say why an item waits (reasonsOf): only those stage files are read. */
const WHY = new Set(["implication", "hypothesis"]);

async function whyOf(runtime: Runtime, thread: string): Promise<ReturnType<typeof reasonsOf>> {
  const root = runtime.workspace.root;
  const outputs: Partial<Record<string, unknown>> = {};
  for (const node of runtime.spec.nodes) {
    const output = node.skill.stage.output;
    const path = relative(root, join(runtime.metas.dirOf(thread), stageFileOf(node)));
    // A stage not drafted yet has no file; one that cannot be read says so, as any read does.
    if (!WHY.has(output) || !existsSync(join(root, path))) continue;
    outputs[output] = parseFrontMatter(path, await readText(root, path)).data.output;
  }
  return reasonsOf(outputs);
}

/** One waiting item as the inbox shows it, numbered `key` in the whole list. */
async function itemView(
  runtime: Runtime,
  item: PendingItem,
  key: string,
  page: number,
  csrf: string,
  refusal: Refusal | undefined,
) {
  const mine = sameItem(item, refusal) ? refusal : undefined;
  const values =
    item.fields && item.fields.length > 0
      ? ((await runtime.pendingPayload(item.thread))?.action_request.args ?? {})
      : {};
  return {
    key,
    id: item.id ?? "",
    thread: item.thread,
    kind: item.kind,
    label: gateLabel(item),
    action_id: item.action_id,
    question: item.question,
    impact: item.impact ?? "-",
    refused: item.refused,
    error: mine && !mine.field ? mine.message : undefined,
    ...(await whyOf(runtime, item.thread)),
    diff: item.diff ? diffLines(item.diff) : [],
    draft: item.diff ? undefined : item.draft,
    draft_html: item.draft && !item.diff ? await draftHtml(runtime.workspace.root, item.draft) : "",
    outcomes: item.outcomes ?? [],
    // An action that lacks its inputs: an accept with no outcome runs it again with the inputs added.
    run_again: item.waits_for !== undefined,
    can_reject: item.allowed.includes("reject"),
    can_respond: item.allowed.includes("respond"),
    editing: Boolean(mine?.field),
    fields: (item.allowed.includes("edit") ? (item.fields ?? []) : []).map((name) => {
      const value = mine?.fields[name] ?? shown(values[name] ?? "");
      return {
        key,
        name,
        value,
        multiline: value.includes("\n") || value.length > 80,
        error: mine?.field === name ? mine.message : undefined,
      };
    }),
    page,
    csrf,
  };
}

export interface InboxRequest {
  /** The page asked for (`?page=`); a refusal shows the page its item is on instead. */
  page?: string | number | undefined;
  /** An answer refused, shown at its item. */
  refusal?: Refusal;
}

/**
 * One page of the inbox. Only the page's threads are read and only its items are built (draft
 * rendered, diff laid out, values read from the checkpoint); the rest of what waits is counted.
 */
export async function inboxView(runtime: Runtime, csrf: string, request: InboxRequest = {}) {
  const { refusal } = request;
  const waiting = await waitingThreads(runtime);
  const at = refusal ? waiting.findIndex((entry) => entry.thread === refusal.thread) : -1;
  const page = pageOf(at >= 0 ? pageAt(at) : request.page, waiting.length);
  // The page's threads are read, and their items built, side by side: most of it is waiting on files.
  const metas = await Promise.all(waiting.slice(page.start, page.end).map((entry) => metaOf(runtime, entry)));
  const items = metas.flatMap((meta) => (meta.state === "waiting" ? meta.pending : []));
  const views = await Promise.all(
    items.map((item, index) => itemView(runtime, item, String(page.start + index + 1), page.page, csrf, refusal)),
  );
  // A refusal whose item is not shown (its thread is unknown, or no longer waits) is said at the top.
  const unplaced = refusal && !items.some((item) => sameItem(item, refusal)) ? refusal.message : undefined;
  const { trustReport } = await import("../ops/trust.js");
  const trust = await trustReport(runtime.audit, runtime.workspace.config, runtime.workspace.threadTypes);
  const { waitingProposals } = await import("../memory/proposals.js");
  const rules = (await waitingProposals(runtime.store.memory)).map(({ id, proposal }) => ({
    id,
    says: proposal.says,
    thread: proposal.evidence.thread,
    by: proposal.proposed_by,
    on: proposal.at.slice(0, 10),
    csrf,
  }));
  return {
    rules,
    items: views,
    paging: pagingView("/inbox", page),
    shown: [...new Set(items.map((item) => item.thread))],
    waiting: waiting.length,
    trust: {
      mode: trust.mode,
      types: trust.types.map((type) => ({
        ...type,
        agreement: type.agreement === null ? "-" : `${Math.round(type.agreement * 100)}%`,
      })),
    },
    ...(unplaced ? { alert: unplaced } : {}),
  };
}

/** The answer a form gave, as the runtime takes it; only the fields that were changed are edits. */
export async function givenAnswer(runtime: Runtime, posted: PostedAnswer, by: string): Promise<GivenAnswer> {
  switch (posted.answer) {
    case "accept":
      return posted.outcome
        ? { type: "edit", args: { action: "edit", args: { outcome: posted.outcome } }, by }
        : { type: "accept", args: null, by };
    case "reject":
      return { type: "ignore", args: posted.reason?.trim() || "no reason given", by };
    case "respond": {
      const feedback = posted.feedback?.trim();
      if (!feedback) throw new UsageError("say what should change: the stage is redrafted with it");
      return { type: "response", args: feedback, by };
    }
    case "edit": {
      const values = (await runtime.pendingPayload(posted.thread))?.action_request.args ?? {};
      const edits = Object.fromEntries(
        Object.entries(posted.fields).filter(([name, typed]) => typed !== shown(values[name] ?? "")),
      );
      if (Object.keys(edits).length === 0)
        throw new UsageError("nothing was changed: edit a value, or accept as it is");
      return { type: "edit", args: { action: "edit", args: edits }, by };
    }
    default:
      throw new UsageError(`"${posted.answer}" is not an answer (accept, edit, respond or reject)`);
  }
}

/** A reason as a sentence, with what the gate takes instead where it says. */
function sentence(reason: string, allowed: readonly string[] | undefined): string {
  const said = /[.!?]$/.test(reason) ? reason : `${reason}.`;
  return allowed && allowed.length > 0 ? `${said} It takes: ${allowed.join(", ")}.` : said;
}

/** What the inbox says of a gate's refusal away from a field: where, why, and what it takes. */
export function refusalWords({ field, reason, allowed }: GateRefusal): string {
  return `${field === null ? "" : `${field}: `}${sentence(reason, allowed)}`;
}

/**
 * A refused answer as the inbox shows it: a gate's refusal of an edited value next to the form's
 * field it is about (a path inside it, such as assumptions.0.id, keeps the rest of its path), any
 * other refusal above the item.
 */
export function refusalShown(error: UsageError, posted: PostedAnswer, fields: readonly string[]): Refusal {
  const base = { thread: posted.thread, interrupt: posted.interrupt, fields: posted.fields };
  if (!(error instanceof AnswerRefused)) return { ...base, message: error.message };
  const { field: at, reason, allowed } = error.refusal;
  const field =
    posted.answer === "edit" && at !== null
      ? fields.find((name) => at === name || at.startsWith(`${name}.`))
      : undefined;
  if (!field || at === null) return { ...base, message: refusalWords(error.refusal) };
  const inside = at === field ? "" : `${at.slice(field.length + 1)}: `;
  return { ...base, field, message: `${inside}${sentence(reason, allowed)}` };
}

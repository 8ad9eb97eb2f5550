import { reasonsOf } from "../approvals/present.js";
import { gateLabel } from "../gates/kind.js";
import type { GivenAnswer } from "../gates/wire.js";
import { UsageError } from "../errors.js";
import type { Runtime } from "../runtime/engine.js";
import type { PendingItem } from "../threads/meta.js";
import { fileView } from "./files.js";
import { escapeHtml } from "./render.js";

// The inbox: what waits, highest impact first, each with why (the impact factors and the assumptions
// tested), what to judge (the draft, or the canvas diff) and the answers its gate allows. An answer
// is given to the runtime as any client gives it; the gate's own rules decide whether it stands.

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
  /** The field the message is about, when it names one of the item's fields. */
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
    .map((text) => ({ text, kind: text.startsWith("@@") ? "hunk" : text.startsWith("+") && !text.startsWith("+++") ? "add" : text.startsWith("-") && !text.startsWith("---") ? "del" : "ctx" }));
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

const sameItem = (item: PendingItem, refusal: Refusal | undefined): refusal is Refusal => refusal !== undefined && refusal.thread === item.thread && (refusal.interrupt ?? "") === (item.id ?? "");

/** The view of every waiting item. */
export async function inboxView(runtime: Runtime, csrf: string, refusal?: Refusal) {
  const items = await runtime.pending();
  const views = [];
  for (const [index, item] of items.entries()) {
    const mine = sameItem(item, refusal) ? refusal : undefined;
    const values = item.fields && item.fields.length > 0 ? ((await runtime.pendingPayload(item.thread))?.action_request.args ?? {}) : {};
    views.push({
      key: String(index + 1),
      id: item.id ?? "",
      thread: item.thread,
      kind: item.kind,
      label: gateLabel(item),
      action_id: item.action_id,
      question: item.question,
      impact: item.impact ?? "-",
      refused: item.refused,
      error: mine && !mine.field ? mine.message : undefined,
      ...reasonsOf(await runtime.stageOutputs(item.thread)),
      diff: item.diff ? diffLines(item.diff) : [],
      draft: item.diff ? undefined : item.draft,
      draft_html: item.draft && !item.diff ? await draftHtml(runtime.workspace.root, item.draft) : "",
      outcomes: item.outcomes ?? [],
      can_reject: item.allowed.includes("reject"),
      can_respond: item.allowed.includes("respond"),
      editing: Boolean(mine?.field),
      fields: (item.allowed.includes("edit") ? (item.fields ?? []) : []).map((name) => {
        const value = mine?.fields[name] ?? shown(values[name] ?? "");
        return { key: String(index + 1), name, value, multiline: value.includes("\n") || value.length > 80, error: mine?.field === name ? mine.message : undefined };
      }),
      csrf,
    });
  }
  return views;
}

/** The answer a form gave, as the runtime takes it; only the fields that were changed are edits. */
export async function givenAnswer(runtime: Runtime, posted: PostedAnswer, by: string): Promise<GivenAnswer> {
  switch (posted.answer) {
    case "accept":
      return posted.outcome ? { type: "edit", args: { action: "edit", args: { outcome: posted.outcome } }, by } : { type: "accept", args: null, by };
    case "reject":
      return { type: "ignore", args: posted.reason?.trim() || "no reason given", by };
    case "respond": {
      const feedback = posted.feedback?.trim();
      if (!feedback) throw new UsageError("say what should change: the stage is redrafted with it");
      return { type: "response", args: feedback, by };
    }
    case "edit": {
      const values = (await runtime.pendingPayload(posted.thread))?.action_request.args ?? {};
      const edits = Object.fromEntries(Object.entries(posted.fields).filter(([name, typed]) => typed !== shown(values[name] ?? "")));
      if (Object.keys(edits).length === 0) throw new UsageError("nothing was changed: edit a value, or accept as it is");
      return { type: "edit", args: { action: "edit", args: edits }, by };
    }
    default:
      throw new UsageError(`"${posted.answer}" is not an answer (accept, edit, respond or reject)`);
  }
}

/** The field a refusal is about: the first of the item's fields its message starts with or names. */
export function fieldOf(message: string, fields: readonly string[]): string | undefined {
  return fields.find((field) => message.startsWith(`${field}:`) || message.startsWith(`${field} `)) ?? fields.find((field) => new RegExp(`\\b${field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(message));
}

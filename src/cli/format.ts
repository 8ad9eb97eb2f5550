import pc from "picocolors";
import { gateLabel } from "../core/gateLabel.js";
import type { RemoteThread } from "../remote/threads.js";
import type { StatusRow } from "../runtime/acrossThreads.js";
import type { CorrectionResult } from "../runtime/threadService.js";
import type { ThreadResult } from "../runtime/engine.js";
import type { Redraft } from "../runtime/redraft.js";
import type { PendingItem, ThreadMeta } from "../core/threadMeta.js";

// How the CLI shows its results as text (--json prints the values themselves). Loaded by a command
// once it has something to show, so --help never pays for it.

/**
 * How a pending item's answer commands are printed: "plain" after `leanos pending`, which records what
 * it showed (so `leanos approve THREAD` answers that question); "pinned" wherever the questions are
 * only reported (an event's or an answer's result), so the command printed answers that very question;
 * "none" where the question is being confirmed.
 */
export type AnswerHints = "plain" | "pinned" | "none";

function answerHint(item: PendingItem, hints: AnswerHints): string {
  if (hints === "none") return "";
  const pin = hints === "pinned" && item.id ? ` --interrupt ${item.id}` : "";
  return item.outcomes
    ? `  report: leanos approve ${item.thread} --edit '{"outcome":"${item.outcomes[0]}"}'${pin}  (outcomes: ${item.outcomes.join(" | ")})`
    : `  answers: ${item.allowed.join(" | ")}  (leanos approve ${item.thread}${pin} | leanos reject ${item.thread}${pin} --reason "...")`;
}

export function formatPending(items: PendingItem[], hints: AnswerHints = "plain"): string {
  if (items.length === 0) return "Nothing waits for a human.";
  return items
    .map((item) =>
      [
        `${pc.bold(item.thread)}  ${gateLabel(item)}${item.action_id ? ` ${item.action_id}` : ""}  impact ${item.impact ?? "-"}`,
        `  ${item.question}`,
        item.draft ? `  draft: ${item.draft}` : "",
        item.diff
          ? item.diff
              .trimEnd()
              .split("\n")
              .map((line) => `    ${line}`)
              .join("\n")
          : "",
        answerHint(item, hints),
      ]
        .filter((line) => line.length > 0)
        .join("\n"),
    )
    .join("\n\n");
}

export function formatResult(result: ThreadResult): string {
  const lines = [`Thread ${pc.bold(result.thread)}: ${result.state}`, `  folder: ${result.dir}`];
  if (result.pending.length > 0) lines.push("", "Waiting for a human:", formatPending(result.pending, "pinned"));
  for (const started of result.started) lines.push("", `Started from an approved opportunity:`, formatResult(started));
  return lines.join("\n");
}

/**
 * What a redraft after `respond` changed, in a sentence for the person who gave the feedback; when the
 * drafter changed nothing but a note of it, with how to change a value themselves.
 */
export function formatRedraft(redraft: Redraft, editable: readonly string[] = []): string {
  const what = `Redrafted the ${redraft.stage} with your feedback`;
  const noted = redraft.noted.join(", ");
  if (redraft.changed.length > 0)
    return `${what}: changed ${redraft.changed.join(", ")}${noted ? `; ${noted} also ${redraft.noted.length === 1 ? "notes" : "note"} the feedback` : ""}.`;
  const only = noted ? `nothing but a note of the feedback in ${noted}` : "nothing";
  return `${what}: the drafter changed ${only}. To change a value yourself, answer with approve --edit${editable.length > 0 ? ` (fields: ${editable.join(", ")})` : ""}.`;
}

/** An answer's result, led by what its redraft changed when it was feedback. */
export function formatAnswered(result: ThreadResult & { redraft?: Redraft }): string {
  if (!result.redraft) return formatResult(result);
  const asked = result.pending.find((item) => item.stage === result.redraft!.stage);
  return `${formatRedraft(result.redraft, asked?.fields ?? [])}\n\n${formatResult(result)}`;
}

/** What `leanos correct` did: redrafted (and moved), or recorded only because the thread had acted. */
export function formatCorrected(result: CorrectionResult): string {
  // Through a server the thread is reported as it stands after the correction.
  if (!result.fields) return formatResult(result);
  const fields = Object.keys(result.fields).join(", ");
  const relinkOnly = Object.keys(result.fields).length === 1 && "goal" in result.fields;
  const goal = (result.fields as { goal?: string | null }).goal;
  const lead = relinkOnly
    ? `${goal ? `Linked ${result.thread} to goal ${goal}` : `Unlinked ${result.thread} from its goal`}: nothing was drafted again${result.after_acting ? " (it had acted already; its steps stand)" : ""}.`
    : result.after_acting
      ? `Recorded the correction of ${fields} on ${result.thread}. It had acted already: the steps taken were not undone (look at them with leanos status ${result.thread}).`
      : `Corrected ${fields}: drafted again from the first corrected stage${result.renamed ? `, and moved from ${result.renamed} to ${result.thread}` : ""}.`;
  const rule = result.proposed_rule
    ? `\n\nProposed rule ${result.proposed_rule.id}: ${result.proposed_rule.says}. It waits for you: leanos memory accept ${result.proposed_rule.id} (drafters apply it from then on), or leanos memory reject ${result.proposed_rule.id}.`
    : "";
  return `${lead}${rule}\n\n${formatResult(result)}`;
}

/** Why `resume` ran nothing, and what moves the thread on. */
export function notRunBecause(result: ThreadResult): string {
  if (result.state === "waiting") return "it waits for a person (see below).";
  if (result.state === "scheduled") return "its next step is scheduled; leanos pass runs it when it is due.";
  if (result.state === "done") return "it is complete.";
  return `it is ${result.state}.`;
}

/** What `resume` did: the thread as it is, and why nothing ran when nothing did. */
export function formatResumed(result: ThreadResult & { ran: boolean }): string {
  return result.ran
    ? formatResult(result)
    : `Nothing left to run on ${pc.bold(result.thread)}: ${notRunBecause(result)}\n\n${formatResult(result)}`;
}

export function resultJson(result: ThreadResult): Record<string, unknown> {
  return {
    thread: result.thread,
    state: result.state,
    pending: result.pending,
    dir: result.dir,
    files: result.files,
    started: result.started.map(resultJson),
    ...(result.redraft ? { redraft: result.redraft } : {}),
  };
}

export function formatStatus(rows: StatusRow[]): string {
  if (rows.length === 0) return "No threads yet: start one with leanos event.";
  return rows
    .map((row) => `${row.thread.padEnd(48)} ${row.state.padEnd(8)} ${(row.stage ?? "-").padEnd(12)} ${row.next}`)
    .join("\n");
}

export function formatThread(meta: ThreadMeta & { next: string }): string {
  return [
    `${pc.bold(meta.thread)}  ${meta.title}`,
    `  state: ${meta.state}   stage: ${meta.stage ?? "-"}   impact: ${meta.impact ?? "-"}`,
    `  drafted by: ${meta.provider} (${meta.model})   event: ${meta.event.date}, ${meta.event.source}`,
    `  next: ${meta.next}`,
    "  files:",
    ...meta.files.map((file) => `    ${meta.thread}/${file}`),
    ...waitingBlock(meta.pending),
  ].join("\n");
}

/** What a thread waits for, in full, under its detail (`leanos status THREAD` records it as shown). */
const waitingBlock = (pending: PendingItem[]): string[] =>
  pending.length > 0 ? ["", "Waiting for a human:", formatPending(pending)] : [];

/** One thread on the server, with what it waits for in full. */
export function formatRemoteThread(row: RemoteThread): string {
  return [formatRemoteStatus([row]), ...waitingBlock(row.pending)].join("\n");
}

export function formatRemoteStatus(rows: RemoteThread[]): string {
  if (rows.length === 0) return "No threads on the server yet: start one with leanos --server URL event.";
  const next = (row: RemoteThread): string =>
    row.state === "waiting"
      ? row.pending.map((item) => `${gateLabel(item)} gate: ${item.question}`).join("; ")
      : row.state === "scheduled"
        ? `the next step is due ${row.next_due}`
        : row.state;
  return rows
    .map(
      (row) =>
        `${row.thread.padEnd(48)} ${row.state.padEnd(9)} ${(row.stage ?? "-").padEnd(12)} ${next(row)}  (${row.id})`,
    )
    .join("\n");
}

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseFrontMatter } from "../files/frontMatter.js";
import pc from "picocolors";
import type { HypothesisOutput, ImplicationOutput } from "../core/stageSchemas.js";
import type { PendingItem } from "../core/threadMeta.js";
import { gateLabel } from "../core/gateLabel.js";
import type { GateRefusal } from "../core/refusal.js";

// How a waiting item reads in a terminal: what is asked, why, and the material to judge it by.

export const MATERIAL_LINES = 40;

export function answersLine(item: PendingItem): string {
  const answers = [
    item.outcomes ? `accept OUTCOME (${item.outcomes.join(" | ")})` : "accept",
    ...(item.allowed.includes("edit") ? ["edit FIELD VALUE", "edit (opens $EDITOR)"] : []),
    ...(item.allowed.includes("respond") ? ["respond TEXT"] : []),
    "reject [REASON]",
    "skip",
    "help",
    "quit",
  ];
  return `Answers: ${answers.join(" · ")}`;
}

/** A file's body without its front-matter, cut to `limit` lines. */
export async function materialOf(
  workspaceRoot: string | undefined,
  path: string,
  limit = MATERIAL_LINES,
): Promise<string> {
  if (workspaceRoot === undefined) return `  (${path} is in the workspace the server serves)`;
  const full = join(workspaceRoot, path);
  if (!existsSync(full)) return `  (${path} is not there)`;
  const body = parseFrontMatter(path, await readFile(full, "utf8"))
    .content.trim()
    .split("\n");
  const shown = body.slice(0, limit).map((line) => `  ${line}`);
  if (body.length > limit) shown.push(pc.dim(`  … ${body.length - limit} more line(s) in ${path}`));
  return shown.join("\n");
}

/** Why an item waits as its thread's stages say it: the impact factors and the assumptions tested. */
export function reasonsOf(outputs: Partial<Record<string, unknown>>) {
  const implication = outputs.implication as ImplicationOutput | undefined;
  const hypothesis = outputs.hypothesis as HypothesisOutput | undefined;
  return {
    impact_score: implication?.impact_score,
    mode: implication?.mode,
    factors: implication?.factors ?? [],
    tests: (hypothesis?.tests ?? []).map((test) => ({
      assumption_id: test.assumption_id,
      direction: test.direction,
      change:
        test.previous_confidence !== null ? `${test.previous_confidence}% → ${test.proposed_confidence}%` : undefined,
    })),
    recorded: { implication: implication !== undefined, hypothesis: hypothesis !== undefined },
  };
}

export function whyLines(item: PendingItem, outputs: Partial<Record<string, unknown>>): string[] {
  const lines: string[] = [];
  const why = reasonsOf(outputs);
  if (why.recorded.implication) {
    lines.push(
      `  impact ${why.impact_score} (${why.mode}) = mean of ${why.factors.map((factor) => `${factor.name} ${factor.score}`).join(", ")}`,
    );
    for (const factor of why.factors) lines.push(pc.dim(`    ${factor.name}: ${factor.rationale}`));
  }
  if (why.recorded.hypothesis)
    lines.push(
      `  assumptions: ${why.tests.map((test) => `${test.assumption_id} ${test.direction}${test.change ? ` ${test.change}` : ""}`).join("; ")}`,
    );
  if (item.kind === "actions" && item.outcomes)
    lines.push(`  you carried this out: report one of ${item.outcomes.join(", ")}`);
  return lines.length > 0 ? lines : ["  (no impact or assumptions recorded yet)"];
}

/** The whole presentation of one item. */
export async function presentItem(
  workspaceRoot: string | undefined,
  item: PendingItem,
  outputs: Partial<Record<string, unknown>>,
  position: string,
): Promise<string> {
  const header = `── ${position}  ${item.thread} · ${gateLabel(item)}${item.action_id ? ` ${item.action_id}` : ""}${item.opportunity_id ? ` ${item.opportunity_id}` : ""} · impact ${item.impact ?? "-"} `;
  const parts = [pc.bold(header.padEnd(78, "─")), item.question, "", pc.bold("Why"), ...whyLines(item, outputs), ""];
  if (item.diff) {
    parts.push(pc.bold("Canvas diff"));
    for (const line of item.diff.trimEnd().split("\n")) {
      parts.push(
        line.startsWith("+") && !line.startsWith("+++")
          ? pc.green(`  ${line}`)
          : line.startsWith("-") && !line.startsWith("---")
            ? pc.red(`  ${line}`)
            : `  ${line}`,
      );
    }
  } else if (item.draft) {
    parts.push(pc.bold(`Material: ${item.draft}`), await materialOf(workspaceRoot, item.draft));
  }
  parts.push("", pc.dim(answersLine(item)));
  return parts.join("\n");
}

export const HELP = [
  "accept (or yes)            approve as it is; for your own action: accept OUTCOME, or just the outcome",
  "edit FIELD VALUE           change one value, e.g. edit confidence 85, edit verdict DEFER, edit due 2026-12-01",
  "edit                       open the values in $EDITOR and use what you save",
  "respond TEXT               send feedback; the stage is redrafted and asked again, with what changed",
  "reject REASON              refuse; the thread records why and moves on",
  "skip                       leave it waiting and go to the next",
  "list                       what waits now",
  "event: TEXT                hand over a new business event; it is drafted to its first gate",
  'correct THREAD JSON        correct what the drafter read, e.g. correct acme {"type":"sales"}',
  "quit                       end the session (everything unanswered keeps waiting)",
].join("\n");

/** A gate's refusal as the chat says it: what was not taken and why, and what would be. */
export function chatRefusal({ field, reason, allowed }: GateRefusal): string {
  const said = `Not taken: ${field ? `${field}: ` : ""}${reason}${/[.!?]$/.test(reason) ? "" : "."}`;
  return allowed && allowed.length > 0
    ? `${said} It takes${field ? ` for ${field}` : ""}: ${allowed.join(", ")}.`
    : said;
}

import { z } from "zod";
import { AssumptionId } from "../core/stageSchemas.js";

// 10-assumptions.md: `### A4: Title` headings, each followed by `**Field:** value` lines. The parser
// remembers where every field sits so a change rewrites only that line's value and every other byte
// of the file (line ends, emoji, extra sections, commentary) stays as it was.

export const AssumptionStatus = z.enum(["VALIDATED", "TESTING", "INVALIDATED", "DRAFT", "CHALLENGED"]);
export type AssumptionStatus = z.infer<typeof AssumptionStatus>;

export const Assumption = z.object({
  id: AssumptionId,
  title: z.string().min(1),
  status: AssumptionStatus,
  hypothesis: z.string(),
  confidence: z.number().int().min(0).max(100),
  previous_confidence: z.number().int().min(0).max(100).nullable(),
  evidence: z.array(z.string()),
  last_validated: z.string().nullable(),
  related_sections: z.array(z.string()),
  line: z.number().int().positive(),
});
export type Assumption = z.infer<typeof Assumption>;

export interface AssumptionProblem {
  line: number;
  message: string;
}

/** The fields an update may set; each touches only its own line. */
export interface AssumptionChange {
  id: string;
  confidence?: number;
  status?: AssumptionStatus;
  addEvidence?: string;
  lastValidated?: string;
}

type FieldKey = "status" | "hypothesis" | "confidence" | "evidence" | "last validated" | "related canvas sections";
const FIELD_LABELS: Record<FieldKey, string> = {
  status: "Status",
  hypothesis: "Hypothesis",
  confidence: "Confidence",
  evidence: "Evidence",
  "last validated": "Last validated",
  "related canvas sections": "Related Canvas sections",
};
// Fields are written in this order when one is missing and has to be added.
const FIELD_ORDER: FieldKey[] = [
  "status",
  "hypothesis",
  "confidence",
  "evidence",
  "last validated",
  "related canvas sections",
];
const STATUS_EMOJI: Record<AssumptionStatus, string> = {
  VALIDATED: "✅",
  TESTING: "🧪",
  INVALIDATED: "❌",
  DRAFT: "📝",
  CHALLENGED: "⚠️",
};

// Markdown ends lines at \n and \r only. JavaScript's `.` also stops at U+2028 and U+2029, so with it a
// heading (or a field) holding one of those would not match, and its assumption would vanish without
// a word: [^\r\n] keeps them as characters of the line, which is what they are in this file.
const HEADING = /^###\s+([AH]\d+)\s*:\s*([^\r\n]+?)\s*$/;
const FIELD = /^\*\*([A-Za-z ]+):\*\*\s*([^\r\n]*?)\s*$/;
const STATUS_WORD = /(VALIDATED|TESTING|INVALIDATED|DRAFT|CHALLENGED)/;

interface EntryLayout {
  id: string;
  heading: number;
  fields: Map<string, number>;
  last: number;
}

export interface AssumptionsDocument {
  assumptions: Assumption[];
  problems: AssumptionProblem[];
  /** Lines split on \n; a CRLF file keeps its \r at the end of each line. */
  lines: string[];
  eol: "\n" | "\r\n";
  layout: Map<string, EntryLayout>;
}

function listOf(value: string | undefined): string[] {
  if (!value || /^(none yet|none|-|n\/a)$/i.test(value)) return [];
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

const bare = (line: string): string => line.replace(/\r$/, "");

export function parseAssumptionsDocument(text: string): AssumptionsDocument {
  const lines = text.split("\n");
  const eol = /\r\n/.test(text) ? "\r\n" : "\n";
  const assumptions: Assumption[] = [];
  const problems: AssumptionProblem[] = [];
  const layout = new Map<string, EntryLayout>();
  let current: (EntryLayout & { title: string; values: Map<string, string> }) | undefined;

  const finish = (): void => {
    if (!current) return;
    const entry = current;
    current = undefined;
    const values = entry.values;
    const line = entry.heading + 1;
    const confidenceText = values.get("confidence") ?? "";
    const confidence = /(\d+)\s*%/.exec(confidenceText)?.[1];
    const previous = /previously:?\s*(\d+)\s*%/i.exec(confidenceText)?.[1];
    const lastValidated = values.get("last validated");
    const missing = FIELD_ORDER.filter(
      (key) => key !== "related canvas sections" && key !== "evidence" && key !== "last validated" && !values.has(key),
    );
    if (missing.length > 0) {
      problems.push({
        line,
        message: `assumption ${entry.id} has no ${missing.map((key) => `**${FIELD_LABELS[key]}:**`).join(", ")} line`,
      });
      return;
    }
    if (confidence !== undefined && Number(confidence) > 100) {
      problems.push({
        line: entry.fields.get("confidence")! + 1,
        message: `assumption ${entry.id}: confidence ${confidence}% is outside 0-100%`,
      });
      return;
    }
    const candidate = {
      id: entry.id,
      title: entry.title,
      status: STATUS_WORD.exec((values.get("status") ?? "").toUpperCase())?.[1],
      hypothesis: values.get("hypothesis") ?? "",
      confidence: confidence === undefined ? undefined : Number(confidence),
      previous_confidence: previous === undefined ? null : Number(previous),
      evidence: listOf(values.get("evidence")),
      last_validated: lastValidated && /^\d{4}-\d{2}-\d{2}$/.test(lastValidated) ? lastValidated : null,
      related_sections: listOf(values.get("related canvas sections")),
      line,
    };
    const parsed = Assumption.safeParse(candidate);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
      problems.push({
        line,
        message: `assumption ${entry.id} has an invalid ${fields.join(", ")} (status must be one of ${AssumptionStatus.options.join(", ")}; confidence a whole percent)`,
      });
      return;
    }
    if (layout.has(entry.id)) {
      problems.push({
        line,
        message: `duplicate assumption id ${entry.id} (first on line ${layout.get(entry.id)!.heading + 1})`,
      });
      return;
    }
    assumptions.push(parsed.data);
    layout.set(entry.id, { id: entry.id, heading: entry.heading, fields: entry.fields, last: entry.last });
  };

  lines.forEach((raw, index) => {
    const line = bare(raw);
    const heading = HEADING.exec(line);
    if (heading) {
      finish();
      current = {
        id: heading[1]!,
        title: heading[2]!,
        heading: index,
        fields: new Map(),
        last: index,
        values: new Map(),
      };
      return;
    }
    if (/^#{1,3}\s/.test(line)) {
      finish();
      return;
    }
    if (!current) return;
    const field = FIELD.exec(line);
    if (field) {
      const key = field[1]!.trim().toLowerCase();
      current.values.set(key, field[2]!);
      current.fields.set(key, index);
      current.last = index;
    } else if (line.trim().length > 0) {
      current.last = index;
    }
  });
  finish();
  return { assumptions, problems, lines, eol, layout };
}

function withEnding(original: string, replacement: string): string {
  return original.endsWith("\r") ? `${replacement}\r` : replacement;
}

function setConfidence(line: string, next: number, previous: number): string {
  const body = bare(line);
  let updated = body.replace(/(\d+)(\s*%)/, `${next}$2`);
  if (/\(previously:?\s*\d+\s*%\)/i.test(updated)) {
    updated = updated.replace(/(\(previously:?\s*)\d+(\s*%\))/i, `$1${previous}$2`);
  } else {
    updated = updated.replace(/(\d+\s*%)/, `$1 (previously: ${previous}%)`);
  }
  return withEnding(line, updated);
}

function setStatus(line: string, status: AssumptionStatus): string {
  let body = bare(line).replace(STATUS_WORD, status);
  for (const emoji of Object.values(STATUS_EMOJI)) {
    if (body.includes(emoji)) {
      body = body.replace(emoji, STATUS_EMOJI[status]);
      break;
    }
  }
  return withEnding(line, body);
}

function setValue(line: string, value: string): string {
  const body = bare(line);
  const prefix = /^\*\*[A-Za-z ]+:\*\*\s*/.exec(body)![0];
  return withEnding(line, `${prefix}${value}`);
}

function addEvidence(line: string, path: string): string {
  const body = bare(line);
  const value = FIELD.exec(body)![2]!;
  const paths = listOf(value);
  if (paths.includes(path)) return line;
  return setValue(line, paths.length === 0 ? path : `${value}, ${path}`);
}

/**
 * Applies changes to the file's text, touching only the lines of the changed fields (or adding a
 * missing field line after the entry's last field). An unknown id is an error.
 */
export function applyAssumptionChanges(text: string, changes: readonly AssumptionChange[]): string {
  const doc = parseAssumptionsDocument(text);
  const lines = [...doc.lines];
  const inserts: Array<{ after: number; order: number; line: string }> = [];
  for (const change of changes) {
    const entry = doc.layout.get(change.id);
    const assumption = doc.assumptions.find((candidate) => candidate.id === change.id);
    if (!entry || !assumption) throw new Error(`assumption ${change.id} is not in the file`);
    const edit = (key: FieldKey, rewrite: (line: string) => string, fresh: string): void => {
      const index = entry.fields.get(key);
      if (index !== undefined) lines[index] = rewrite(lines[index]!);
      else
        inserts.push({
          after: entry.last,
          order: inserts.length,
          line: `**${FIELD_LABELS[key]}:** ${fresh}${doc.eol === "\r\n" ? "\r" : ""}`,
        });
    };
    if (change.confidence !== undefined && change.confidence !== assumption.confidence) {
      edit(
        "confidence",
        (line) => setConfidence(line, change.confidence!, assumption.confidence),
        `${change.confidence}% (previously: ${assumption.confidence}%)`,
      );
    }
    if (change.status !== undefined && change.status !== assumption.status)
      edit("status", (line) => setStatus(line, change.status!), change.status);
    if (change.addEvidence !== undefined)
      edit("evidence", (line) => addEvidence(line, change.addEvidence!), change.addEvidence);
    if (change.lastValidated !== undefined)
      edit("last validated", (line) => setValue(line, change.lastValidated!), change.lastValidated);
  }
  // Insert from the bottom up so earlier indexes stay right.
  for (const insert of inserts.sort((a, b) => b.after - a.after || b.order - a.order))
    lines.splice(insert.after + 1, 0, insert.line);
  return lines.join("\n");
}

import { z } from "zod";
import { AssumptionId } from "../core/stageSchemas.js";

// 10-assumptions.md: `### A4: Title` headings, each followed by `**Field:** value` lines. The parser
// remembers where every field sits so a change (assumptionEdits.ts) rewrites only that line's value
// and every other byte of the file (line ends, emoji, extra sections, commentary) stays as it was.

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

export type FieldKey =
  "status" | "hypothesis" | "confidence" | "evidence" | "last validated" | "related canvas sections";
export const FIELD_LABELS: Record<FieldKey, string> = {
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

// Markdown ends lines at \n and \r only. JavaScript's `.` also stops at U+2028 and U+2029, so with it a
// heading (or a field) holding one of those would not match, and its assumption would vanish without
// a word: [^\r\n] keeps them as characters of the line, which is what they are in this file.
const HEADING = /^###\s+([AH]\d+)\s*:\s*([^\r\n]+?)\s*$/;
export const FIELD = /^\*\*([A-Za-z ]+):\*\*\s*([^\r\n]*?)\s*$/;
export const STATUS_WORD = /(VALIDATED|TESTING|INVALIDATED|DRAFT|CHALLENGED)/;

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

export function listOf(value: string | undefined): string[] {
  if (!value || /^(none yet|none|-|n\/a)$/i.test(value)) return [];
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export const bare = (line: string): string => line.replace(/\r$/, "");

type OpenEntry = EntryLayout & { title: string; values: Map<string, string> };

/** An entry read to its end: its assumption, or the problem that keeps it out of the list. */
function settleEntry(
  entry: OpenEntry,
  layout: ReadonlyMap<string, EntryLayout>,
): { assumption: Assumption } | { problem: AssumptionProblem } {
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
    return {
      problem: {
        line,
        message: `assumption ${entry.id} has no ${missing.map((key) => `**${FIELD_LABELS[key]}:**`).join(", ")} line`,
      },
    };
  }
  if (confidence !== undefined && Number(confidence) > 100) {
    return {
      problem: {
        line: entry.fields.get("confidence")! + 1,
        message: `assumption ${entry.id}: confidence ${confidence}% is outside 0-100%`,
      },
    };
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
    return {
      problem: {
        line,
        message: `assumption ${entry.id} has an invalid ${fields.join(", ")} (status must be one of ${AssumptionStatus.options.join(", ")}; confidence a whole percent)`,
      },
    };
  }
  if (layout.has(entry.id)) {
    return {
      problem: {
        line,
        message: `duplicate assumption id ${entry.id} (first on line ${layout.get(entry.id)!.heading + 1})`,
      },
    };
  }
  return { assumption: parsed.data };
}

export function parseAssumptionsDocument(text: string): AssumptionsDocument {
  const lines = text.split("\n");
  const eol = /\r\n/.test(text) ? "\r\n" : "\n";
  const assumptions: Assumption[] = [];
  const problems: AssumptionProblem[] = [];
  const layout = new Map<string, EntryLayout>();
  let current: OpenEntry | undefined;

  const finish = (): void => {
    if (!current) return;
    const entry = current;
    current = undefined;
    const settled = settleEntry(entry, layout);
    if ("problem" in settled) {
      problems.push(settled.problem);
      return;
    }
    assumptions.push(settled.assumption);
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

import { z } from "zod";
import { AssumptionId } from "../stages/schemas.js";

export const AssumptionStatus = z.enum(["VALIDATED", "TESTING", "INVALIDATED", "DRAFT", "CHALLENGED"]);
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

const HEADING = /^###\s+([AH]\d+)\s*:\s*(.+?)\s*$/;
const FIELD = /^\*\*([A-Za-z ]+):\*\*\s*(.*?)\s*$/;

function listOf(value: string | undefined): string[] {
  if (!value || /^(none yet|none|-)$/i.test(value)) return [];
  return value.split(",").map((part) => part.trim()).filter((part) => part.length > 0);
}

/**
 * Reads the entries of 10-assumptions.md (`### A4: Title` followed by `**Field:** value` lines).
 * A malformed entry is reported with its line and skipped; the others still load.
 */
export function parseAssumptions(text: string): { assumptions: Assumption[]; problems: AssumptionProblem[] } {
  const lines = text.split(/\r?\n/);
  const assumptions: Assumption[] = [];
  const problems: AssumptionProblem[] = [];
  let current: { id: string; title: string; line: number; fields: Map<string, string> } | undefined;

  const finish = (): void => {
    if (!current) return;
    const fields = current.fields;
    const status = /(VALIDATED|TESTING|INVALIDATED|DRAFT|CHALLENGED)/.exec((fields.get("status") ?? "").toUpperCase())?.[1];
    const confidenceText = fields.get("confidence") ?? "";
    const confidence = /(\d+)\s*%/.exec(confidenceText)?.[1];
    const previous = /previously:?\s*(\d+)\s*%/i.exec(confidenceText)?.[1];
    const lastValidated = fields.get("last validated");
    const candidate = {
      id: current.id,
      title: current.title,
      status,
      hypothesis: fields.get("hypothesis") ?? "",
      confidence: confidence === undefined ? undefined : Number(confidence),
      previous_confidence: previous === undefined ? null : Number(previous),
      evidence: listOf(fields.get("evidence")),
      last_validated: lastValidated && /^\d{4}-\d{2}-\d{2}$/.test(lastValidated) ? lastValidated : null,
      related_sections: listOf(fields.get("related canvas sections")),
      line: current.line,
    };
    const parsed = Assumption.safeParse(candidate);
    if (parsed.success) {
      if (assumptions.some((existing) => existing.id === parsed.data.id)) {
        problems.push({ line: current.line, message: `duplicate assumption id ${parsed.data.id}` });
      } else {
        assumptions.push(parsed.data);
      }
    } else {
      const fieldsAtFault = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
      problems.push({ line: current.line, message: `assumption ${current.id} has a missing or invalid ${fieldsAtFault}` });
    }
    current = undefined;
  };

  lines.forEach((line, index) => {
    const heading = HEADING.exec(line);
    if (heading) {
      finish();
      current = { id: heading[1]!, title: heading[2]!, line: index + 1, fields: new Map() };
      return;
    }
    if (/^#{1,3}\s/.test(line)) {
      finish();
      return;
    }
    const field = current ? FIELD.exec(line) : null;
    if (current && field) current.fields.set(field[1]!.trim().toLowerCase(), field[2]!);
  });
  finish();
  return { assumptions, problems };
}

import {
  bare,
  FIELD,
  FIELD_LABELS,
  listOf,
  parseAssumptionsDocument,
  STATUS_WORD,
  type AssumptionStatus,
  type FieldKey,
} from "./assumptions.js";

// Changes to 10-assumptions.md, each rewriting only its own field's line (or adding a missing field
// after the entry's last), so every other byte of the file stays as it was.

/** The fields an update may set; each touches only its own line. */
export interface AssumptionChange {
  id: string;
  confidence?: number;
  status?: AssumptionStatus;
  addEvidence?: string;
  lastValidated?: string;
}

const STATUS_EMOJI: Record<AssumptionStatus, string> = {
  VALIDATED: "✅",
  TESTING: "🧪",
  INVALIDATED: "❌",
  DRAFT: "📝",
  CHALLENGED: "⚠️",
};

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

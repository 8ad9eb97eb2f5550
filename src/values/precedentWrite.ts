import { existsSync } from "node:fs";
import { UsageError } from "../errors.js";
import { writeFileAtomically } from "../files/atomic.js";
import { readText } from "../files/readText.js";
import { join } from "node:path";
import { precedentLine, type Precedent } from "./precedent.js";
import { VALUES_FILE } from "./valuesFile.js";

// A person's answer to a gate, marked as a precedent (--precedent), written into strategy/values.md's
// Decision Precedents in LeanOS's line form, so the next decision like it is settled the same way.

/** The most a precedent's principle may say: a line of a file people read, not a document. */
export const MAX_PRINCIPLE = 500;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** Refuses a principle that cannot be a precedent's field: empty, too long, or holding a control character. */
export function checkPrinciple(principle: string): void {
  if (principle.trim() === "")
    throw new UsageError('--precedent needs the principle in your words, such as "defer scope changes during a pilot"');
  if (principle.length > MAX_PRINCIPLE)
    throw new UsageError(`--precedent: at most ${MAX_PRINCIPLE} characters (a principle, not a document)`);
  if (CONTROL.test(principle))
    throw new UsageError("--precedent must not hold a control character (a NUL byte, an escape)");
}

/** strategy/values.md with the precedent's line last in its Decision Precedents (the section made if there is none). */
export function withPrecedent(text: string, precedent: Precedent): string {
  const line = precedentLine(precedent);
  const lines = text.replace(/\n*$/, "").split("\n");
  const heading = lines.findIndex((entry) => /^#{1,4}\s+.*precedent/i.test(entry));
  if (heading < 0) return `${lines.join("\n")}\n\n## Decision Precedents\n${line}\n`;
  const next = lines.findIndex((entry, index) => index > heading && /^#{1,4}\s/.test(entry));
  let end = next < 0 ? lines.length : next;
  while (end > heading + 1 && lines[end - 1]!.trim() === "") end -= 1;
  lines.splice(end, 0, line);
  return `${lines.join("\n")}\n`;
}

/** Writes the precedent into the workspace's value function (made when it keeps none). */
export async function recordPrecedent(root: string, precedent: Precedent): Promise<string> {
  checkPrinciple(precedent.principle);
  const text = existsSync(join(root, VALUES_FILE)) ? await readText(root, VALUES_FILE) : "# Value Function\n";
  await writeFileAtomically(root, VALUES_FILE, withPrecedent(text, precedent));
  return precedentLine(precedent);
}

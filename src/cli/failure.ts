import { AnswerRefused, REASON_FIELD, type GateRefusal } from "../core/refusal.js";
import { describeFailure } from "../failure.js";

// How the CLI ends on a failure: the one line of src/failure.ts on stderr, the stack only with LEANOS_DEBUG=1.
// A gate's refusal is worded here, naming the option that carried what was refused.

/**
 * A gate's refusal as the CLI says it: `--edit: FIELD: why` for an edited value (with how to give one
 * of the values it takes, since a plain approve may be refused for want of one), `--reason: why` for
 * the reason, and the reason alone when the answer as a whole is refused.
 */
export function cliRefusal({ field, reason, allowed }: GateRefusal): string {
  const choices = allowed && allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : "";
  if (field === null) return `${reason}${choices}`;
  if (field === REASON_FIELD) return `--reason: ${reason}${choices}`;
  // A path inside a value ("assumptions.0.id") is not a key --edit takes; a key of the question's is.
  const example =
    allowed && allowed.length > 0 && /^[A-Za-z_][\w-]*$/.test(field)
      ? `: e.g. --edit '${JSON.stringify({ [field]: allowed[0] })}'`
      : "";
  return `--edit: ${field}: ${reason}${choices}${example}`;
}

/** The stack of an error and of its causes, for LEANOS_DEBUG=1. */
export function debugTrace(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    lines.push(
      `${depth > 0 ? "caused by: " : ""}${current instanceof Error ? (current.stack ?? current.message) : String(current)}`,
    );
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join("\n");
}

/** Prints the failure on stderr and returns the exit code. */
export function reportFailure(
  error: unknown,
  write: (text: string) => void = (text) => process.stderr.write(text),
  debug = process.env.LEANOS_DEBUG === "1",
): number {
  const failure =
    error instanceof AnswerRefused
      ? { exitCode: error.exitCode, message: cliRefusal(error.refusal) }
      : describeFailure(error);
  write(`leanos: ${failure.message}\n`);
  if (debug) write(`${debugTrace(error)}\n`);
  return failure.exitCode;
}

import { describeFailure } from "../failure.js";

// How the CLI ends on a failure: the one line of src/failure.ts on stderr, the stack only with LEANOS_DEBUG=1.

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
  const failure = describeFailure(error);
  write(`leanos: ${failure.message}\n`);
  if (debug) write(`${debugTrace(error)}\n`);
  return failure.exitCode;
}

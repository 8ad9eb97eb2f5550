// Exit codes of the command-line contract: 2 for bad input or usage, 1 for a runtime failure.

/** Bad input or usage: the message names the file, field or argument at fault. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Something went wrong while running; the thread is left resumable. */
export class RuntimeFailure extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RuntimeFailure";
  }
}

export function describeZodIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): string {
  return issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

/** The question was answered by another session or process first; nothing was changed. */
export class AlreadyAnswered extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = "AlreadyAnswered";
  }
}

/** A file leanos reads cannot be used as it is: the message names the file and, where there is one, the line. */
export class FileProblem extends UsageError {
  constructor(
    readonly file: string,
    problem: string,
    readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ""}: ${problem}`);
    this.name = "FileProblem";
  }
}

/** The machine refused (a read-only folder, no permission, a full disk, a broken database): exit 1, with the path and what to do. */
export class EnvironmentFault extends RuntimeFailure {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EnvironmentFault";
  }
}

/**
 * Graph state a client set, a node reached out of its order, or a thread that is not the run's own:
 * refused, and recorded in the run's own thread (src/graph/trust.ts).
 */
export class StateRefused extends RuntimeFailure {
  constructor(message: string) {
    super(message);
    this.name = "StateRefused";
  }
}

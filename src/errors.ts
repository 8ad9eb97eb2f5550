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

export function describeZodIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
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

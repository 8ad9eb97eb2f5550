import lockfile from "proper-lockfile";
import { RuntimeFailure } from "../errors.js";

/**
 * Runs `work` while holding the thread's lock, so two processes (two chat sessions, a chat and a
 * pass, two approves) never resume the same thread at once. A lock left by a crashed process goes
 * stale within seconds and is taken over.
 */
export async function withThreadLock<T>(threadDir: string, work: () => Promise<T>): Promise<T>;
/** With `wait: false`, a thread busy in another process is skipped: the result is undefined. */
export async function withThreadLock<T>(threadDir: string, work: () => Promise<T>, options: { wait: false }): Promise<T | undefined>;
export async function withThreadLock<T>(threadDir: string, work: () => Promise<T>, options: { wait?: boolean } = {}): Promise<T | undefined> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(threadDir, {
      lockfilePath: `${threadDir}/.lock`,
      // The holder touches the lock every second; one untouched for 5 s belongs to a dead process.
      stale: 5_000,
      update: 1_000,
      retries: options.wait === false ? 0 : { retries: 120, minTimeout: 100, maxTimeout: 500 },
    });
  } catch (error) {
    if (options.wait === false && (error as NodeJS.ErrnoException).code === "ELOCKED") return undefined;
    throw new RuntimeFailure(`thread ${threadDir} is busy in another process (${(error as Error).message}); try again`, { cause: error });
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}

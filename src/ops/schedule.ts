import { Cron } from "croner";
import { UsageError } from "../errors.js";
import type { Runtime } from "../runtime/engine.js";
import { formatPass, runPass, type PassControl } from "./pass.js";
import { passWorldOf } from "./passWorld.js";

const stamp = (): string => new Date().toISOString().slice(0, 19).replace("T", " ");

/** Refuses a time zone this machine does not know (Intl is what croner converts with). */
export function checkTimeZone(timezone: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new UsageError(
      `--timezone ${timezone}: not a time zone this machine knows; give an IANA name (as timedatectl list-timezones lists them) or UTC`,
    );
  }
}

/** The job for `cron` in `timezone`, or exit 2 naming what is wrong with the expression. */
function cronJob(cron: string, timezone: string | undefined): Cron {
  let job: Cron;
  let next: Date | null;
  try {
    job = new Cron(cron, { protect: true, ...(timezone ? { timezone } : {}) });
    // croner checks some things only when it computes a date: compute one now.
    next = job.nextRun();
  } catch (error) {
    throw new UsageError(
      `--cron "${cron}": ${(error as Error).message}; expected 5 fields (or 6 with seconds), such as "0 8 * * *"`,
    );
  }
  if (next === null)
    throw new UsageError(
      `--cron "${cron}": this expression never runs (such as February 30th); nothing would ever pass`,
    );
  return job;
}

/**
 * `leanos schedule`: passes on a cron schedule in the foreground. Everything is checked before it
 * starts waiting (the time zone, the expression, and that the workspace opens), so a mistake exits
 * at once instead of at the first pass. Then a failing pass is logged and the schedule goes on;
 * SIGINT or SIGTERM stops it after the step in hand.
 */
export async function runSchedule(options: {
  cron: string;
  timezone?: string;
  json: boolean;
  open: () => Promise<Runtime>;
}): Promise<void> {
  const control: PassControl = { stopping: false, log: (line) => process.stderr.write(`${stamp()}   ${line}\n`) };
  let running: Promise<void> | undefined;
  if (options.timezone !== undefined) checkTimeZone(options.timezone);
  const job = cronJob(options.cron, options.timezone);
  // The workspace must open now (canvas, config, skills, graph, database): the same checks as a pass.
  await (await options.open()).close();
  const passOnce = async (): Promise<void> => {
    process.stderr.write(`${stamp()} pass starting\n`);
    let runtime: Runtime | undefined;
    try {
      runtime = await options.open();
      const summary = await runPass(passWorldOf(runtime), control);
      if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stderr.write(`${stamp()} ${formatPass(summary).replace(/\n/g, `\n${stamp()} `)}\n`);
    } catch (error) {
      // One failing pass must not end the schedule.
      process.stderr.write(`${stamp()} pass failed: ${(error as Error).message}\n`);
      if (options.json)
        process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), failed: (error as Error).message })}\n`);
    } finally {
      await runtime?.close();
    }
  };
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      if (control.stopping) return;
      control.stopping = true;
      job.stop();
      process.stderr.write(`${stamp()} ${signal}: stopping after the step in hand\n`);
      void (running ?? Promise.resolve()).then(() => {
        process.stderr.write(`${stamp()} schedule stopped\n`);
        resolve();
      });
    };
    // `on`, not `once`: a library's exit hook re-raises a signal nobody else listens to any more.
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
    job.schedule(() => {
      if (control.stopping) return;
      running = passOnce();
      return running;
    });
    const next = job.nextRun();
    process.stderr.write(
      `${stamp()} leanos schedule "${options.cron}": next pass ${next ? next.toISOString().slice(0, 19).replace("T", " ") : "never"} (UTC); SIGINT or SIGTERM stops it\n`,
    );
  });
}

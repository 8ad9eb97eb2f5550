import { Cron } from "croner";
import { UsageError } from "../errors.js";
import type { Runtime } from "../runtime/engine.js";
import { formatPass, runPass, type PassControl } from "./pass.js";

const stamp = (): string => new Date().toISOString().slice(0, 19).replace("T", " ");

/**
 * `leanos schedule`: passes on a cron schedule in the foreground. A failing pass is logged and the
 * schedule goes on; SIGINT or SIGTERM stops it after the step in hand.
 */
export async function runSchedule(options: { cron: string; timezone?: string; json: boolean; open: () => Promise<Runtime> }): Promise<void> {
  const control: PassControl = { stopping: false, log: (line) => process.stderr.write(`${stamp()}   ${line}\n`) };
  let running: Promise<void> | undefined;
  let job: Cron;
  try {
    job = new Cron(options.cron, { protect: true, ...(options.timezone ? { timezone: options.timezone } : {}) });
  } catch (error) {
    throw new UsageError(`--cron "${options.cron}": ${(error as Error).message}`);
  }
  const passOnce = async (): Promise<void> => {
    process.stderr.write(`${stamp()} pass starting\n`);
    let runtime: Runtime | undefined;
    try {
      runtime = await options.open();
      const summary = await runPass(runtime, control);
      if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stderr.write(`${stamp()} ${formatPass(summary).replace(/\n/g, `\n${stamp()} `)}\n`);
    } catch (error) {
      // One failing pass must not end the schedule.
      process.stderr.write(`${stamp()} pass failed: ${(error as Error).message}\n`);
      if (options.json) process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), failed: (error as Error).message })}\n`);
    } finally {
      runtime?.close();
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
    process.stderr.write(`${stamp()} leanos schedule "${options.cron}": next pass ${next ? next.toISOString().slice(0, 19).replace("T", " ") : "never"} (UTC); SIGINT or SIGTERM stops it\n`);
  });
}

import { appendFileSync } from "node:fs";

// Kill points for the crash sweep (test/crash/): every durable step (a file renamed into place, a
// line appended, a checkpoint saved, a commit) is counted. LEANOS_STEP_LOG=FILE records each step;
// LEANOS_KILL_AT=N kills the process with SIGKILL right after the N-th step, as a crash would.

const killAt = Number.parseInt(process.env.LEANOS_KILL_AT ?? "", 10);
const stepLog = process.env.LEANOS_STEP_LOG;
let steps = 0;

export function durableStep(label: string): void {
  if (!stepLog && !(killAt > 0)) return;
  steps += 1;
  if (stepLog) appendFileSync(stepLog, `${steps} ${process.pid} ${label}\n`);
  if (steps === killAt) process.kill(process.pid, "SIGKILL");
}

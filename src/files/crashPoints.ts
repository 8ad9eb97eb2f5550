import { appendFileSync } from "node:fs";

// Kill points for the crash sweep (test/crash/): every durable step (a file renamed into place, a
// line appended, a checkpoint saved, a commit) is counted. LEANOS_STEP_LOG=FILE records each step;
// LEANOS_KILL_AT=N kills the process with SIGKILL right after the N-th step, as a crash would;
// LEANOS_FAULT=crash-after:POINT kills it right after the named point.
//
// Only test builds hold this: `npm run build` replaces the compiled file with faultsOff.mjs (no
// hooks at all) in dist/, which the package ships, and bundles this one into dist-test/ for the
// tests that kill the CLI (test/helpers.ts runs that build when they ask for a fault).

const killAt = Number.parseInt(process.env.LEANOS_KILL_AT ?? "", 10);
const stepLog = process.env.LEANOS_STEP_LOG;
let steps = 0;

export function durableStep(label: string): void {
  if (!stepLog && !(killAt > 0)) return;
  steps += 1;
  if (stepLog) appendFileSync(stepLog, `${steps} ${process.pid} ${label}\n`);
  if (steps === killAt) process.kill(process.pid, "SIGKILL");
}

/** A named point a test may kill the process right after (LEANOS_FAULT=crash-after:POINT). */
export function faultPoint(point: string): void {
  if (process.env.LEANOS_FAULT === `crash-after:${point}`) process.kill(process.pid, "SIGKILL");
}

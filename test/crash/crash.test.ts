import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  crashRun,
  endState,
  leftovers,
  referenceRun,
  removeRun,
  spreadKillPoints,
  type Flow,
  type KillPoint,
  type ReferenceRun,
} from "./sweep.js";

// The crash sweep: npm run test:crash (80 kill points of the sample flow unless LEANOS_CRASH_POINTS
// says otherwise; .ci/run tries 12). npm test leaves it out (vitest.config.ts) and kills one command
// at the one point that once left two commands disagreeing (cut-short-answer.test.ts).
const COUNT = Number.parseInt(process.env.LEANOS_CRASH_POINTS ?? "80", 10);
// The correction flow (the sample flow with a correction that moves the thread) is killed inside its
// `correct` command: at as many points as COUNT (every step it takes, when COUNT is at least that), at
// one below 40.
const CORRECT_COUNT = COUNT >= 40 ? COUNT : 1;
// LEANOS_CRASH_JOBS runs that many crash runs side by side.
const JOBS = Math.max(1, Number.parseInt(process.env.LEANOS_CRASH_JOBS ?? "1", 10));

/** Kills the flow at the points `choose` picks from its reference run, and checks every recovery. */
function sweep(flow: Flow, title: string, count: number, choose: (reference: ReferenceRun) => KillPoint[]): void {
  describe(title, () => {
    let reference: ReferenceRun;
    let expected: Record<string, string>;

    beforeAll(async () => {
      reference = await referenceRun(flow);
      expected = await endState(reference.end);
    }, 300_000);

    afterAll(async () => {
      if (reference) await removeRun(reference);
    });

    it(
      "is recovered to the uncrashed run's end state: the same thread files, payloads, canvas bytes and commits, everything parseable, nothing left over",
      async () => {
        const points = choose(reference);
        const failures: string[] = (await leftovers(reference.end)).map((problem) => `the uncrashed run: ${problem}`);
        const queue = [...points];
        const worker = async (): Promise<void> => {
          for (let point = queue.shift(); point; point = queue.shift()) await check(point);
        };
        const check = async (point: KillPoint): Promise<void> => {
          const outcome = await crashRun(reference, point).catch((error: Error) => error);
          if (outcome instanceof Error) {
            failures.push(
              `killed ${reference.commands[point.command]!.label} (command ${point.command + 1}) at step ${point.step}: ${outcome.message}`,
            );
            process.stderr.write(`crash sweep (${flow}): ${failures.at(-1)}\n`);
            return;
          }
          const state = await endState(outcome.workspace);
          const differs = Object.keys({ ...expected, ...state }).filter((key) => expected[key] !== state[key]);
          const left = await leftovers(outcome.workspace);
          if (differs.length > 0 || left.length > 0) {
            failures.push(
              `killed ${outcome.label} (command ${point.command + 1}) at step ${point.step}, recovered by ${outcome.recovery.join(", ")}: ${[...differs.map((key) => `${key} differs`), ...left].join("; ")} [${outcome.workspace}]`,
            );
            process.stderr.write(`crash sweep (${flow}): ${failures.at(-1)}\n`);
          } else {
            process.stderr.write(
              `crash sweep (${flow}): killed ${outcome.label} (command ${point.command + 1}) at step ${point.step}: recovered identically by ${outcome.recovery.join(", ")}\n`,
            );
            await rm(outcome.workspace, { recursive: true, force: true });
          }
        };
        await Promise.all(Array.from({ length: JOBS }, worker));
        process.stderr.write(
          `crash sweep (${flow}): ${points.length} kill point(s) of ${reference.steps.reduce((sum, steps) => sum + steps, 0)} steps over ${reference.commands.length} commands; ${points.length - failures.filter((line) => line.startsWith("killed")).length} recovered identically\n`,
        );
        expect(points.length).toBeGreaterThan(0);
        expect(failures).toEqual([]);
        // A crash run gives about ten commands; a minute each is generous on a loaded 2-core machine.
      },
      600_000 + 60_000 * Math.ceil(count / JOBS),
    );
  });
}

sweep("sample", "a kill at any durable step of the sample flow", COUNT, (reference) =>
  spreadKillPoints(reference.steps, COUNT),
);

sweep(
  "correct",
  "a kill at any durable step of a correction that moves the thread to another type",
  CORRECT_COUNT,
  (reference) => {
    const correcting = reference.commands.findIndex((command) => command.label === "correct");
    expect(correcting, "the correction flow corrects the thread").toBeGreaterThanOrEqual(0);
    return spreadKillPoints(
      reference.steps.map((steps, index) => (index === correcting ? steps : 0)),
      CORRECT_COUNT,
    );
  },
);

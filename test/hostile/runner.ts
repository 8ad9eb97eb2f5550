import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  base,
  canMountReadOnly,
  caseFolders,
  differences,
  forgetBases,
  MAY_TOUCH,
  runHostile,
  snapshot,
  type HostileCase,
} from "./harness.js";

/** What a case may write: its workspace, and the parse cache (checked on its own). */
const OURS = new Set(["workspace", "cache"]);

/** stderr or stdout lines of a JavaScript stack trace. */
const STACK_LINE = /^\s+at .+/m;

/**
 * Registers one test per case. Every case is checked for: the exit code, the words of the message,
 * no stack trace, the workspace unchanged (unless the case says otherwise), nothing written outside.
 */
export function hostileSuite(category: string, cases: readonly HostileCase[]): void {
  describe(`hostile input: ${category}`, () => {
    if (cases.length === 0) {
      it.todo(`${category}: no cases yet`);
      return;
    }
    // The prepared workspaces are made before the first case, so no case pays (or times out) for them.
    beforeAll(async () => {
      for (const name of new Set(cases.map((item) => item.base))) await base(name);
    }, 300_000);
    afterAll(forgetBases);
    for (const item of cases) {
      it(item.name, async (context) => {
        if (item.readOnly && !(await canMountReadOnly())) {
          context.skip(
            "needs a read-only mount (root and unshare --mount); the mapping of EROFS is covered by test/failure.test.ts",
          );
        }
        const { root, paths } = await caseFolders(item.base);
        await item.setup?.(paths);
        const workspaceBefore = await snapshot(paths.workspace, MAY_TOUCH);
        const outsideBefore = await snapshot(root, OURS);

        const outcome = await runHostile(paths, item);
        const shown = `exit ${outcome.exitCode}\nstderr: ${outcome.stderr}\nstdout: ${outcome.stdout.slice(0, 2000)}`;

        expect(outcome.timedOut, `still running after ${item.timeoutMs ?? 30_000} ms\n${shown}`).toBe(false);
        expect(outcome.exitCode, shown).toBe(item.exit);
        for (const word of item.words) {
          if (typeof word === "string") expect(outcome.stderr, shown).toContain(word);
          else expect(outcome.stderr, shown).toMatch(word);
        }
        expect(outcome.stderr, "a stack trace on stderr").not.toMatch(STACK_LINE);
        expect(outcome.stdout, "a stack trace on stdout").not.toMatch(STACK_LINE);
        expect(outcome.stderr).not.toContain("unexpected failure");
        if (item.unchanged ?? true)
          expect(
            differences(workspaceBefore, await snapshot(paths.workspace, MAY_TOUCH)),
            "the workspace changed",
          ).toEqual([]);
        expect(differences(outsideBefore, await snapshot(root, OURS)), "written outside the workspace").toEqual([]);
        const cached = [...(await snapshot(paths.cache).catch(() => new Map<string, string>())).keys()];
        expect(
          cached.filter((path) => !/^parsed(\/[0-9a-f]{2}(\/[0-9a-f]{62}\.json)?)?$/.test(path)),
          "the parse cache holds only hash-named entries",
        ).toEqual([]);
        await item.check?.(paths, outcome);
      });
    }
  });
}

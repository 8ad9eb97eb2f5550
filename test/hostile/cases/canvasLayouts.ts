import { mkdir, rm, symlink, writeFile, cp } from "node:fs/promises";
import { join } from "node:path";
import type { CasePaths, HostileCase } from "../harness.js";

// The canvas in any layout (canvas/layouts.yaml): files are found by name and each has one role.
// A canvas that names one role twice, a section that is a link out of the workspace, and a file whose
// name only looks like a section's are refused (or never read) by a command that drafts against the
// canvas, exit 2, with nothing written.

const ws = (paths: CasePaths): string[] => ["--workspace", paths.workspace];
const canvasFile = (paths: CasePaths, name: string): string => join(paths.workspace, "strategy", "canvas", name);

export const cases: HostileCase[] = [
  {
    name: "two files claiming one role: the assumptions in both layouts",
    base: "waiting",
    setup: async (paths) => cp(canvasFile(paths, "10-assumptions.md"), canvasFile(paths, "10.assumptions.md")),
    args: (paths) => [...ws(paths), "event", "ElsaAI renewal signed: $1.3M ARR"],
    exit: 2,
    words: [
      "strategy/canvas/10-assumptions.md and strategy/canvas/10.assumptions.md are both the canvas's assumptions section",
      "keep one of them",
    ],
  },
  {
    name: "a section file that is a symlink out of the workspace",
    base: "waiting",
    setup: async (paths) => {
      const outside = join(paths.outside, "linked-segments.md");
      await cp(canvasFile(paths, "04-segments.md"), outside);
      await rm(canvasFile(paths, "04-segments.md"));
      await symlink(outside, canvasFile(paths, "04-segments.md"));
    },
    args: (paths) => [...ws(paths), "event", "ElsaAI renewal signed: $1.3M ARR"],
    exit: 2,
    words: ["strategy/canvas/04-segments.md", "is a symlink to", "outside the workspace"],
  },
  {
    // The assumptions moved to a name with a traversal in it: it is no section, so the canvas has none.
    name: "a dot-named file with a traversal-like name is never read as a section",
    base: "waiting",
    setup: async (paths) => {
      await mkdir(join(paths.workspace, "strategy", "canvas"), { recursive: true });
      await cp(canvasFile(paths, "10-assumptions.md"), canvasFile(paths, "10..assumptions.md"));
      await writeFile(canvasFile(paths, "10.%2e%2e.md"), "### A1: planted\n");
      await rm(canvasFile(paths, "10-assumptions.md"));
    },
    args: (paths) => [...ws(paths), "event", "ElsaAI renewal signed: $1.3M ARR"],
    exit: 2,
    words: ["no assumptions section in strategy/canvas", "looked for 10-assumptions.md, 10.assumptions.md"],
  },
];

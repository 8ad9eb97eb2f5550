import { readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { layoutNamed } from "../src/canvas/layouts.js";
import { runCli, tempDir } from "./helpers.js";

// A LeanOS user's own canvas loads (issue 28): LeanOS's guide layout (00-business-model-mode.md ..
// 15-gtm.md), its current dot-named layout (00.mode.md .. 15.gtm.md), and leanos's earlier names,
// found by their file names. Only the mode and the assumptions are required.

const DEAL = "Signed today: Nordbank closed a $40K ARR deal with us after a 30-day pilot; 45-day sales cycle.";

async function laidOut(layout: "lean-os" | "lean-os-dot") {
  const root = join(await tempDir("leanos-layout-"), "ws");
  const init = await runCli(["init", root, "--company", "Acme", "--layout", layout]);
  expect(init.exitCode, init.stderr).toBe(0);
  const cli = (...args: string[]) => runCli(["--workspace", root, "--json", "--quiet", ...args]);
  return { root, cli, canvas: join(root, "strategy", "canvas") };
}

/** The lean-os workspace's files renamed to leanos's earlier names, role for role. */
async function earlierNames(canvas: string): Promise<void> {
  const guide = layoutNamed("lean-os").files;
  const earlier = Object.entries(layoutNamed("leanos-earlier").files);
  for (const [stem, role] of Object.entries(guide)) {
    const target = earlier.find(([, of]) => of === role)?.[0];
    if (target) await rename(join(canvas, `${stem}.md`), join(canvas, `${target}.md`));
    else await rm(join(canvas, `${stem}.md`));
  }
}

describe("a canvas in each layout", () => {
  it.each([
    ["LeanOS's guide", "lean-os", "lean-os", "00-business-model-mode.md"],
    ["LeanOS's dot-named layout", "lean-os-dot", "lean-os-dot", "00.mode.md"],
    ["leanos's earlier names", "lean-os", "leanos-earlier", "00-business-model-mode.md"],
  ] as const)(
    "runs a closed deal to its decision gate: %s",
    async (_name, init, layout, modeFile) => {
      const { cli, canvas } = await laidOut(init);
      if (layout === "leanos-earlier") await earlierNames(canvas);
      expect((await readdir(canvas)).sort()).toContain(modeFile);
      const check = JSON.parse((await cli("canvas", "--check")).stdout) as {
        layout: string;
        found: Array<{ role: string }>;
      };
      expect(check.layout).toBe(layout);
      expect(check.found.map((entry) => entry.role)).toEqual(
        expect.arrayContaining(["mode", "assumptions", "segments", "metrics"]),
      );
      const event = await cli("event", DEAL);
      expect(event.exitCode, event.stderr).toBe(0);
      expect(JSON.parse(event.stdout)).toMatchObject({
        state: "waiting",
        pending: [expect.objectContaining({ node: "gate_decision" })],
      });
    },
    60_000,
  );
});

describe("a canvas filled in phases", () => {
  it("drafts without a growth section, and --check names the role it lacks", async () => {
    const { cli, canvas } = await laidOut("lean-os");
    await rm(join(canvas, "14-growth.md"));
    const check = JSON.parse((await cli("canvas", "--check")).stdout) as {
      missing: Array<{ role: string; looked_for: string[] }>;
    };
    expect(check.missing).toEqual([expect.objectContaining({ role: "growth", looked_for: ["14-growth.md"] })]);
    const event = await cli("event", DEAL);
    expect(event.exitCode, event.stderr).toBe(0);
  }, 60_000);

  it("refuses a canvas without its assumptions, naming the role and the files looked for", async () => {
    const { cli, canvas } = await laidOut("lean-os");
    await rm(join(canvas, "10-assumptions.md"));
    const event = await cli("event", DEAL);
    expect(event.exitCode).toBe(2);
    expect(event.stderr).toContain(
      "no assumptions section in strategy/canvas (the beliefs under test, with status and confidence): looked for 10-assumptions.md, 10.assumptions.md",
    );
  }, 60_000);
});

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { Expectations } from "../evals/harness.js";
import { evalSets } from "../evals/sets.js";
import { readCanvas } from "../src/canvas/canvas.js";

// Every eval set is a workspace whose expectations name its own events and its own assumptions.

describe("the eval sets", () => {
  it("are the sample company (dev, its events and more of them) and at least two test companies, each with 15 or more events", async () => {
    const sets = await evalSets();
    expect(
      sets
        .filter((set) => set.role === "dev")
        .map((set) => set.name)
        .slice(0, 2),
    ).toEqual(["sample", "sample-more"]);
    const tests = sets.filter((set) => set.role === "test");
    expect(tests.length).toBeGreaterThanOrEqual(2);
    for (const set of tests) {
      const expected = Expectations.parse(parseYaml(await readFile(set.expected, "utf8")));
      expect(expected.events.length, set.name).toBeGreaterThanOrEqual(15);
    }
  });

  it("expect only events that exist and assumptions of the set's own canvas", async () => {
    for (const set of await evalSets()) {
      const expected = Expectations.parse(parseYaml(await readFile(set.expected, "utf8")));
      const ids = new Set(
        (await readCanvas(join(set.workspace, "strategy", "canvas"))).assumptions.map((assumption) => assumption.id),
      );
      for (const event of expected.events) {
        expect(existsSync(join(set.events, event.file)), `${set.name}/${event.file}`).toBe(true);
        for (const test of event.tests)
          if (test.direction !== "new")
            expect(ids.has(test.id), `${set.name}/${event.file} tests ${test.id}`).toBe(true);
      }
    }
  });
});

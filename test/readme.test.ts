import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers.js";

// The README is read by a newcomer from the top: the two commands (with how long the tests take),
// what leanos does, their own company in ten minutes, then each way of using it, and the
// architecture last.

const readme = () => readFile(join(repoRoot, "README.md"), "utf8");
const headings = (text: string): string[] => [...text.matchAll(/^## (.+)$/gm)].map((match) => match[1]!);

describe("the README", () => {
  it("starts with the two commands, and says how long the tests take beside the test command", async () => {
    const text = await readme();
    const first = /```sh\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
    const commands = first
      .trim()
      .split("\n")
      .map((line) => line.split("#")[0]!.trim());
    expect(commands).toEqual(["npm ci && npm run demo", "npm ci && npm test"]);
    expect(first).toMatch(/npm test.*#.*\d+ to \d+ minutes/);
    expect(text.indexOf("```sh")).toBeLessThan(text.indexOf("\n## "));
  });

  it("is ordered for a newcomer: their own company first, then each way to use it, architecture last", async () => {
    const order = headings(await readme());
    const at = (title: string) => {
      const index = order.findIndex((heading) => heading.startsWith(title));
      expect(index, `a section "${title}"`).toBeGreaterThanOrEqual(0);
      return index;
    };
    const sequence = [
      "Your own company in ten minutes",
      "Using it",
      "Chat",
      "Passes",
      "The web inbox",
      "On LangGraph's server",
      "Models",
      "Evals",
    ].map(at);
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    expect(at("Your own company")).toBe(0);
    expect(order.at(-1)).toBe("Architecture");
  });

  it("shows a newcomer init, the canvas parts that matter, the ICP format, a first event and answering it", async () => {
    const text = await readme();
    const section = text.slice(
      text.indexOf("## Your own company"),
      text.indexOf("\n## ", text.indexOf("## Your own company") + 5),
    );
    for (const needed of [
      "leanos init",
      "10-assumptions.md",
      "13-metrics.md",
      "research/customer/icp/",
      "criteria:",
      "leanos event",
      "leanos pending",
      "leanos approve",
    ]) {
      expect(section, needed).toContain(needed);
    }
  });

  it("says how to trace model calls in LangSmith", async () => {
    const text = await readme();
    const models = text.slice(text.indexOf("## Models"), text.indexOf("\n## ", text.indexOf("## Models") + 5));
    expect(models).toMatch(/LANGSMITH_TRACING=true/);
  });
});

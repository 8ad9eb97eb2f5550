import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { artifactDir } from "../src/actions/executor.js";
import { DEFAULT_THREAD_TYPES } from "../src/core/threadTypes.js";
import { actionTemplates, loadSkills } from "../src/skills/loader.js";
import { repoRoot } from "./helpers.js";

// An action skill's body is sent to the model as its instructions, so its "Produces" section must
// name exactly the files the engine writes for it: each asset of the template, in the action's
// artifact folder, once per check day for actions measured at checkpoints.

describe("action skills say what the engine writes", () => {
  it("lists in Produces exactly the artifact files each action template writes", async () => {
    const templates = actionTemplates(await loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]));
    expect(templates.size).toBeGreaterThanOrEqual(12);
    for (const template of templates.values()) {
      const dir = artifactDir(
        `${template.action.type.split(":")[0]}/{slug}`,
        template.action.type,
        DEFAULT_THREAD_TYPES,
      );
      const assets = (await readdir(join(template.dir, "assets"))).filter((name) => name.endsWith(".md"));
      const checks = template.action.checks_days;
      const written = assets
        .flatMap((name) => (checks ? checks.map((day) => name.replace(/\.md$/, `-day${day}.md`)) : [name]))
        .map((name) => join(dir, name));
      const produces = /## Produces\n([\s\S]*?)(?=\n## )/.exec(template.body)?.[1] ?? "";
      const named = [...produces.matchAll(/`(artifacts\/[^`]+)`/g)].map((match) => match[1]);
      expect({ skill: template.name, files: [...new Set(named)].sort() }).toEqual({
        skill: template.name,
        files: written.sort(),
      });
    }
  });
});

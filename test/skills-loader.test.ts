import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { loadSkills } from "../src/skills/loader.js";
import { repoRoot, runCli, sampleCopy, tempDir } from "./helpers.js";

const toolSkills = { dir: join(repoRoot, "skills"), origin: "tool" as const };

async function writeSkill(root: string, folder: string, text: string): Promise<string> {
  const dir = join(root, folder);
  await mkdir(dir, { recursive: true });
  const file = join(dir, "SKILL.md");
  await writeFile(file, text);
  return file;
}

const stageSkill = (name: string, metadata: string, body = "Do the work."): string =>
  `---\nname: ${name}\ndescription: A test stage.\nmetadata:\n${metadata}\n---\n${body}\n`;

describe("skill loader", () => {
  it("loads the six stage skills and the action templates shipped with the tool", async () => {
    const skills = await loadSkills([toolSkills]);
    const stages = [...skills.values()].filter((skill) => skill.stage).map((skill) => skill.stage!.stage);
    expect(stages.sort()).toEqual(["actions", "decision", "hypothesis", "implication", "input", "learning"]);
    const actionTypes = [...skills.values()].filter((skill) => skill.action).map((skill) => skill.action!.type);
    expect(actionTypes).toContain("sales:qualify");
    expect(actionTypes).toContain("marketing:publish");
    expect(skills.get("causal-flow-decision")!.templates.output).toContain("{{");
  });

  it("lets a workspace skill replace the tool's skill of the same name", async () => {
    const root = await tempDir();
    await writeSkill(
      root,
      "causal-flow-input",
      stageSkill("causal-flow-input", "  stage: input\n  output: input\n  file: 1-input.md", "Workspace wording."),
    );
    const skills = await loadSkills([toolSkills, { dir: root, origin: "workspace" }]);
    expect(skills.get("causal-flow-input")!.origin).toBe("workspace");
    expect(skills.get("causal-flow-input")!.body).toBe("Workspace wording.");
  });

  it.each([
    [
      "a name that is not the folder's",
      "other-name",
      "  stage: extra\n  output: sections\n  file: 7-extra.md",
      /name: "other-name" must equal its folder's name "bad-skill"/,
    ],
    [
      "a name with capitals",
      "Bad-Skill",
      "  stage: extra\n  output: sections\n  file: 7-extra.md",
      /name: must be 1-64 characters/,
    ],
    ["an unknown output schema", "bad-skill", "  stage: extra\n  output: poem\n  file: 7-extra.md", /metadata\.output/],
    [
      "a stage file without a number",
      "bad-skill",
      "  stage: extra\n  output: sections\n  file: extra.md",
      /metadata\.file/,
    ],
  ])("refuses %s, naming the file and the field", async (_case, name, metadata, message) => {
    const root = await tempDir();
    const file = await writeSkill(root, "bad-skill", stageSkill(name, metadata));
    const error = await loadSkills([{ dir: root, origin: "workspace" }]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses a key outside the Agent Skills front-matter (our keys belong under metadata)", async () => {
    const root = await tempDir();
    await writeSkill(root, "bad-skill", "---\nname: bad-skill\ndescription: x\nstage: input\n---\nbody\n");
    await expect(loadSkills([{ dir: root, origin: "workspace" }])).rejects.toThrow(/stage/);
  });

  it("refuses front-matter that is not YAML and an empty body", async () => {
    const root = await tempDir();
    await writeSkill(root, "broken", "---\nname: [broken\n---\nbody\n");
    await expect(loadSkills([{ dir: root, origin: "workspace" }])).rejects.toThrow(/not valid YAML/);
    const other = await tempDir();
    await writeSkill(other, "empty-body", "---\nname: empty-body\ndescription: x\n---\n\n");
    await expect(loadSkills([{ dir: other, origin: "workspace" }])).rejects.toThrow(/body: the instructions are empty/);
  });

  it("refuses an action template with a bad type, and the CLI exits 2 naming the file", async () => {
    const workspace = await sampleCopy();
    const file = await writeSkill(
      join(workspace, "skills"),
      "sales-teleport",
      "---\nname: sales-teleport\ndescription: x\nmetadata:\n  type: Sales Teleport\n  owner: ai\n  human_required: false\n  duration_days: 1\n---\nbody\n",
    );
    const result = await runCli(["--workspace", workspace, "pending"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain("metadata.type");
  });
});

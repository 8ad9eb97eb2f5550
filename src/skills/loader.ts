import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { FileProblem, type UsageError, describeZodIssues } from "../errors.js";
import { cachedFrontMatter } from "../files/cachedReads.js";
import { readText } from "../files/readText.js";
import type { ActionSkillMetadata, StageSkillMetadata } from "./schema.js";
import { quickActionMetadata, quickFrontMatter, quickStageMetadata } from "./quickSkill.js";
import { quickOrZod } from "../files/quickCheck.js";

/** The skills' zod schemas, for front matter the generated validators cannot vouch for (quickSkill.ts). */
const schemas = () => import("./schema.js");

export interface Skill {
  name: string;
  description: string;
  /** The SKILL.md path. */
  file: string;
  dir: string;
  /** The markdown body: the instructions given to the model. */
  body: string;
  origin: "tool" | "workspace";
  stage?: StageSkillMetadata;
  action?: ActionSkillMetadata;
  /** What a skill that is neither a stage nor an action is for (metadata.role: goals, values), as a graph node's `uses` names it. */
  role?: string;
  /** Mustache templates from the skill's assets/ folder, by file stem (output, action). */
  templates: Record<string, string>;
}

export type SkillSet = Map<string, Skill>;

async function findSkillFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findSkillFiles(path)));
    else if (entry.name === "SKILL.md") found.push(path);
  }
  return found.sort();
}

async function readTemplates(skillDir: string, root: string | undefined): Promise<Record<string, string>> {
  const assets = join(skillDir, "assets");
  if (!existsSync(assets)) return {};
  const templates: Record<string, string> = {};
  for (const name of await readdir(assets)) {
    if (name.endsWith(".md")) templates[name.replace(/\.md$/, "")] = await readText(root, join(assets, name));
  }
  return templates;
}

function invalid(file: string, issues: Parameters<typeof describeZodIssues>[0], prefix = ""): UsageError {
  const named = issues.map((issue) => ({ ...issue, path: [...(prefix ? [prefix] : []), ...issue.path] }));
  return new FileProblem(file, `invalid skill: ${describeZodIssues(named)}`);
}

/**
 * Reads one SKILL.md and its assets. `root` is the workspace a workspace skill belongs to: its files
 * are read as workspace files (no links out of it, text only); the tool's own skills pass none.
 */
export async function loadSkillFile(file: string, origin: Skill["origin"], root?: string): Promise<Skill> {
  const parsed = await cachedFrontMatter(file, await readText(root, file));
  const front = await quickOrZod(
    quickFrontMatter(parsed.data),
    parsed.data,
    async () => (await schemas()).SkillFrontMatter,
  );
  if (!front.success) throw invalid(file, front.error.issues);
  const folder = basename(dirname(file));
  if (front.data.name !== folder) {
    throw new FileProblem(file, `invalid skill: name: "${front.data.name}" must equal its folder's name "${folder}"`);
  }
  const metadata = front.data.metadata ?? {};
  const skill: Skill = {
    name: front.data.name,
    description: front.data.description,
    file,
    dir: dirname(file),
    body: parsed.content.trim(),
    origin,
    templates: await readTemplates(dirname(file), root),
  };
  if ("stage" in metadata) {
    const stage = await quickOrZod(
      quickStageMetadata(metadata),
      metadata,
      async () => (await schemas()).StageSkillMetadata,
    );
    if (!stage.success) throw invalid(file, stage.error.issues, "metadata");
    skill.stage = stage.data;
  } else if ("type" in metadata) {
    const action = await quickOrZod(
      quickActionMetadata(metadata),
      metadata,
      async () => (await schemas()).ActionSkillMetadata,
    );
    if (!action.success) throw invalid(file, action.error.issues, "metadata");
    skill.action = action.data;
  }
  if (typeof metadata.role === "string") skill.role = metadata.role;
  if (skill.body.length === 0) throw new FileProblem(file, "invalid skill: body: the instructions are empty");
  return skill;
}

/**
 * Reads every SKILL.md under the given roots, in order; a later root (the workspace's skills/)
 * replaces a skill of the same name from an earlier one (the tool's). A workspace root's files are
 * checked to stay in its `workspace` (by default the folder holding its skills/ folder).
 */
export async function loadSkills(
  roots: ReadonlyArray<{ dir: string; origin: Skill["origin"]; workspace?: string }>,
): Promise<SkillSet> {
  const skills: SkillSet = new Map();
  for (const root of roots) {
    const seenHere = new Map<string, string>();
    const workspace = root.origin === "workspace" ? (root.workspace ?? dirname(root.dir)) : undefined;
    for (const file of await findSkillFiles(root.dir)) {
      const skill = await loadSkillFile(file, root.origin, workspace);
      const earlier = seenHere.get(skill.name);
      if (earlier) throw new FileProblem(file, `invalid skill: name: "${skill.name}" is already used by ${earlier}`);
      seenHere.set(skill.name, file);
      skills.set(skill.name, skill);
    }
  }
  return skills;
}

export function actionTemplates(skills: SkillSet): Map<string, Skill & { action: ActionSkillMetadata }> {
  const byType = new Map<string, Skill & { action: ActionSkillMetadata }>();
  for (const skill of skills.values()) {
    if (skill.action) byType.set(skill.action.type, skill as Skill & { action: ActionSkillMetadata });
  }
  return byType;
}

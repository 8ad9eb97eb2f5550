import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import matter from "gray-matter";
import { UsageError, describeZodIssues } from "../errors.js";
import { ActionSkillMetadata, SkillFrontMatter, StageSkillMetadata } from "./schema.js";

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

async function readTemplates(skillDir: string): Promise<Record<string, string>> {
  const assets = join(skillDir, "assets");
  if (!existsSync(assets)) return {};
  const templates: Record<string, string> = {};
  for (const name of await readdir(assets)) {
    if (name.endsWith(".md")) templates[name.replace(/\.md$/, "")] = await readFile(join(assets, name), "utf8");
  }
  return templates;
}

function invalid(file: string, issues: Parameters<typeof describeZodIssues>[0], prefix = ""): UsageError {
  const named = issues.map((issue) => ({ ...issue, path: [...(prefix ? [prefix] : []), ...issue.path] }));
  return new UsageError(`invalid skill ${file}: ${describeZodIssues(named)}`);
}

export async function loadSkillFile(file: string, origin: Skill["origin"]): Promise<Skill> {
  const text = await readFile(file, "utf8");
  let parsed: matter.GrayMatterFile<string>;
  try {
    // A fresh options object keeps gray-matter from serving a cached parse of identical text.
    parsed = matter(text, {});
  } catch (error) {
    throw new UsageError(`invalid skill ${file}: front-matter is not valid YAML (${(error as Error).message})`);
  }
  const front = SkillFrontMatter.safeParse(parsed.data);
  if (!front.success) throw invalid(file, front.error.issues);
  const folder = basename(dirname(file));
  if (front.data.name !== folder) {
    throw new UsageError(`invalid skill ${file}: name: "${front.data.name}" must equal its folder's name "${folder}"`);
  }
  const metadata = front.data.metadata ?? {};
  const skill: Skill = {
    name: front.data.name,
    description: front.data.description,
    file,
    dir: dirname(file),
    body: parsed.content.trim(),
    origin,
    templates: await readTemplates(dirname(file)),
  };
  if ("stage" in metadata) {
    const stage = StageSkillMetadata.safeParse(metadata);
    if (!stage.success) throw invalid(file, stage.error.issues, "metadata");
    skill.stage = stage.data;
  } else if ("type" in metadata) {
    const action = ActionSkillMetadata.safeParse(metadata);
    if (!action.success) throw invalid(file, action.error.issues, "metadata");
    skill.action = action.data;
  }
  if (skill.body.length === 0) throw new UsageError(`invalid skill ${file}: body: the instructions are empty`);
  return skill;
}

/**
 * Reads every SKILL.md under the given roots, in order; a later root (the workspace's skills/)
 * replaces a skill of the same name from an earlier one (the tool's).
 */
export async function loadSkills(roots: ReadonlyArray<{ dir: string; origin: Skill["origin"] }>): Promise<SkillSet> {
  const skills: SkillSet = new Map();
  for (const root of roots) {
    const seenHere = new Map<string, string>();
    for (const file of await findSkillFiles(root.dir)) {
      const skill = await loadSkillFile(file, root.origin);
      const earlier = seenHere.get(skill.name);
      if (earlier) throw new UsageError(`invalid skill ${file}: name: "${skill.name}" is already used by ${earlier}`);
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

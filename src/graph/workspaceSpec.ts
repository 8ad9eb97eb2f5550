import { toolPath } from "../files/toolRoot.js";
import { loadSkills, type SkillSet } from "../skills/loader.js";
import type { Workspace } from "../workspace/workspace.js";
import { graphFileFor, loadGraphSpec, type GraphSpec } from "./spec.js";

/** A workspace's skills (leanos's own, then the workspace's) and the graph its config names, loaded without LangGraph. */
export async function workspaceSpec(workspace: Workspace): Promise<{ skills: SkillSet; spec: GraphSpec }> {
  const skills = await loadSkills([
    { dir: toolPath("skills"), origin: "tool" },
    { dir: workspace.skillsDir, origin: "workspace", workspace: workspace.root },
  ]);
  const spec = await loadGraphSpec(
    graphFileFor(workspace.config.graph, toolPath("graphs"), workspace.graphsDir),
    skills,
    workspace.root,
  );
  return { skills, spec };
}

import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { parseCache } from "../files/parseCache.js";
import type { GraphYaml, NodeKey } from "./yamlLines.js";
import type { GateKind } from "../core/gateKind.js";
import { quickCheck, quickOrZod } from "../files/quickCheck.js";
import { validateGraphFile } from "../validators/read.generated.js";
import type { GraphFile } from "./graphFile.js";
import { readText } from "../files/readText.js";
import type { Skill, SkillSet } from "../skills/loader.js";
import type { StageSkillMetadata } from "../skills/schema.js";
import type { StageOutputs } from "../core/stageSchemas.js";

// A graph file lists the stage nodes by skill name, in order, with their gates (one, or a list run
// in order; src/core/gateKind.ts says what each does).
// `next` sends a node somewhere other than the following one (a skill name, or `end`).
// `sla_days` is how long a thread may sit in that stage before ops/today.md raises an alert.

/** What a node may use besides its stage: the goals skill (link an event, measure a goal) or the values check. */
export type NodeUse = "goals" | "values";

export interface GraphNode {
  skill: Skill & { stage: StageSkillMetadata };
  /** The node's gates, run in order after the stage is drafted. */
  gates: GateKind[];
  slaDays?: number;
  /** The next node's skill name, or undefined for the end. */
  next?: string;
  /** What the node uses besides its stage, by the role of the skill named (goals, values). */
  uses: NodeUse[];
  line: number;
}

export interface GraphSpec {
  name: string;
  file: string;
  /** Nodes in the order a thread runs through them. */
  nodes: GraphNode[];
}

export function graphFileFor(name: string, toolGraphsDir: string, workspaceGraphsDir: string): string {
  const own = join(workspaceGraphsDir, `${name}.yaml`);
  if (existsSync(own)) return own;
  const tool = join(toolGraphsDir, `${name}.yaml`);
  if (existsSync(tool)) return tool;
  throw new UsageError(`no graph named ${name}: looked for ${own} and ${tool}`);
}

/** Refuses a graph file naming the line of a node, or of its skill, gate or next (["nodes", index, key?]). */
function failAt(file: string, lines: GraphYaml["lines"]) {
  return (path: ReadonlyArray<PropertyKey>, message: string): never => {
    const [, index, key] = path;
    const line = typeof index === "number" ? lines[index]?.[key === undefined ? "" : (key as NodeKey)] : undefined;
    throw new UsageError(`${file}:${line ?? 1}: ${message}`);
  };
}

/** The roles of the skills a node's `uses` names; `refuse` names one that is not the goals or values skill. */
function usesOf(names: readonly string[], skills: SkillSet, refuse: (name: string) => never): NodeUse[] {
  return names.map((name) => {
    const role = skills.get(name)?.role;
    return role === "goals" || role === "values" ? role : refuse(name);
  });
}

/** Reads and checks a graph file; `root` is the workspace when the file is the workspace's own. */
export async function loadGraphSpec(file: string, skills: SkillSet, root?: string): Promise<GraphSpec> {
  const text = await readText(root !== undefined && file.startsWith(root) ? root : undefined, file);
  // Parsed with the lines of its nodes, or read from the parse cache: a pass with nothing due loads no YAML parser.
  const { raw, lines } = await parseCache.read("graph", text, async () =>
    (await import("./yamlLines.js")).graphYaml(file, text),
  );
  const fail = failAt(file, lines);
  // Checked by the validator generated from the schema; zod (loaded then) names what is wrong.
  const parsed = await quickOrZod(
    quickCheck<GraphFile>(raw, validateGraphFile),
    raw,
    async () => (await import("./graphFile.js")).GraphFile,
  );
  if (!parsed.success) {
    // Named at the line of whatever zod points at: parsed again with every line.
    const issue = parsed.error.issues[0]!;
    (await import("./yamlLines.js"))
      .yamlWithLines(file, text)
      .fail(issue.path, `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  }
  const spec = parsed.data!;

  const byName = new Map<string, GraphNode>();
  const stageKeys = new Map<string, string>();
  const nodes: GraphNode[] = spec.nodes.map((entry, index) => {
    const line = lines[index]![""];
    const skill = skills.get(entry.skill);
    if (!skill) fail(["nodes", index, "skill"], `unknown skill "${entry.skill}" (no SKILL.md with that name)`);
    if (!skill!.stage)
      fail(["nodes", index, "skill"], `skill "${entry.skill}" is not a stage skill (no metadata.stage)`);
    if (byName.has(entry.skill))
      fail(
        ["nodes", index, "skill"],
        `duplicate node "${entry.skill}" (first on line ${byName.get(entry.skill)!.line})`,
      );
    const stageKey = skill!.stage!.stage;
    if (stageKeys.has(stageKey))
      fail(
        ["nodes", index, "skill"],
        `stage "${stageKey}" of "${entry.skill}" is already produced by "${stageKeys.get(stageKey)}"`,
      );
    stageKeys.set(stageKey, entry.skill);
    const gates = entry.gate === undefined ? [] : Array.isArray(entry.gate) ? entry.gate : [entry.gate];
    if (new Set(gates).size !== gates.length) fail(["nodes", index, "gate"], `gate: a gate is listed twice`);
    const uses = usesOf(entry.uses ?? [], skills, (name) =>
      fail(["nodes", index, "uses"], `uses: "${name}" is not a goals or values skill (metadata.role: goals or values)`),
    );
    const node: GraphNode = { skill: skill as GraphNode["skill"], line, gates, uses };
    if (entry.sla_days !== undefined) node.slaDays = entry.sla_days;
    byName.set(entry.skill, node);
    return node;
  });

  spec.nodes.forEach((entry, index) => {
    const target = entry.next ?? spec.nodes[index + 1]?.skill ?? "end";
    if (target !== "end" && !byName.has(target))
      fail(["nodes", index, "next"], `next: "${target}" is not a node of this graph`);
    if (target !== "end") nodes[index]!.next = target;
  });

  // Walk from the first node: a revisit is a cycle, a node never reached is a mistake.
  const seen = new Set<string>();
  let cursor: GraphNode | undefined = nodes[0];
  while (cursor) {
    const name = cursor.skill.name;
    if (seen.has(name)) {
      const index = spec.nodes.findIndex((entry) => entry.skill === name);
      fail(["nodes", index], `cycle: "${name}" is reached again (${[...seen, name].join(" -> ")})`);
    }
    seen.add(name);
    cursor = cursor.next ? byName.get(cursor.next) : undefined;
  }
  const ordered = [...seen].map((name) => byName.get(name)!);
  const unreached = nodes.find((node) => !seen.has(node.skill.name));
  if (unreached) {
    const index = spec.nodes.findIndex((entry) => entry.skill === unreached.skill.name);
    fail(["nodes", index], `node "${unreached.skill.name}" is never reached from the first node`);
  }
  return { name: spec.name, file, nodes: ordered };
}

/** A thread's stage outputs (keyed by stage) regrouped by their schema name, as drafters and policy read them. */
export function outputsBySchema(spec: GraphSpec, outputs: Readonly<Record<string, unknown>>): Partial<StageOutputs> {
  const bySchema: Partial<Record<keyof StageOutputs, unknown>> = {};
  for (const node of spec.nodes) {
    const output = outputs[node.skill.stage.stage];
    if (output !== undefined) bySchema[node.skill.stage.output] = output;
  }
  return bySchema as Partial<StageOutputs>;
}

/**
 * The output a node's stage drafted, typed by the schema its skill names (undefined before it is
 * drafted): the one place a stored output is given its type, checked against the node it belongs to.
 */
export function outputOf<K extends keyof StageOutputs>(
  outputs: Readonly<Record<string, unknown>>,
  node: GraphNode,
  schema: K,
): StageOutputs[K] | undefined {
  if (node.skill.stage.output !== schema)
    throw new Error(`the ${node.skill.stage.stage} stage drafts ${node.skill.stage.output}, not ${schema}`);
  return outputs[node.skill.stage.stage] as StageOutputs[K] | undefined;
}

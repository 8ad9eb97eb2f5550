import { join } from "node:path";
import { readCanvas } from "../src/canvas/canvas.js";
import { actionTemplates, type SkillSet } from "../src/skills/loader.js";
import type { StageContext } from "../src/stages/context.js";
import { stageExample } from "./fakeAnthropic.js";
import { sampleWorkspace } from "./helpers.js";

export type StageName = "input" | "hypothesis" | "implication" | "decision" | "actions" | "learning";

/** The context of one stage of the sample's closed-deal thread, with the skills' examples as its earlier stages. */
export async function closedDealContext(
  skills: SkillSet,
  stage: StageName,
  earlier: readonly StageName[],
): Promise<StageContext> {
  const outputs: Record<string, unknown> = {};
  for (const name of earlier) outputs[name] = await stageExample(name);
  return {
    thread: "sales/elsaai-deal-closed",
    type: "sales",
    today: "2026-11-25",
    event: {
      text: "ElsaAI deal closed: $1.1M ARR, 38% return reduction achieved in the pilot.",
      date: "2026-11-18",
      source: "contract",
    },
    canvas: await readCanvas(join(sampleWorkspace, "strategy", "canvas")),
    workspaceRoot: sampleWorkspace,
    skill: skills.get(`causal-flow-${stage}`) as StageContext["skill"],
    outputs: outputs as StageContext["outputs"],
    reviews: {},
    actionTemplates: actionTemplates(skills),
    skills,
    approvalThreshold: 0.8,
  };
}

/** The context an offline draft of `skill` gets for a thread under test of `type`, with its earlier stages' outputs. */
export function underTestContext(
  parts: Pick<StageContext, "type" | "event" | "canvas" | "workspaceRoot" | "skill" | "outputs" | "skills"> & {
    actionTemplates?: StageContext["actionTemplates"];
  },
): StageContext {
  return {
    thread: `${parts.type}/under-test`,
    today: "2026-11-25",
    reviews: {},
    approvalThreshold: 0.8,
    ...parts,
    actionTemplates: parts.actionTemplates ?? actionTemplates(parts.skills),
  };
}

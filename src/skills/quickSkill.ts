import { quickCheck } from "../files/quickCheck.js";
import { CANVAS_ROLES } from "../canvas/roles.js";
import {
  validateActionSkillMetadata,
  validateSkillFrontMatter,
  validateStageSkillMetadata,
} from "../validators/read.generated.js";
import type { ActionSkillMetadata, SkillFrontMatter, StageSkillMetadata } from "./schema.js";

// A SKILL.md's front matter as the validators generated from schema.ts take it, so a pass that reads
// the skills loads no zod; with schema.ts's refinements and its one transform (a comma list) said
// here. Undefined means the loader asks zod, whose verdict and words stand (test/quick-check.test.ts).

const commaParts = (text: string): string[] =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

export const quickFrontMatter = (raw: unknown): SkillFrontMatter | undefined =>
  quickCheck<SkillFrontMatter>(raw, validateSkillFrontMatter);

export function quickStageMetadata(raw: unknown): StageSkillMetadata | undefined {
  type Input = Omit<StageSkillMetadata, "canvas" | "sections"> & { canvas?: string; sections?: string };
  const input = quickCheck<Input>(raw, validateStageSkillMetadata);
  if (!input) return undefined;
  const { canvas, sections, ...rest } = input;
  const roles = canvas === undefined ? undefined : commaParts(canvas);
  if (roles && !roles.every((role) => (CANVAS_ROLES as readonly string[]).includes(role))) return undefined;
  return {
    ...rest,
    ...(roles ? { canvas: roles as StageSkillMetadata["canvas"] } : {}),
    ...(sections === undefined ? {} : { sections: commaParts(sections) }),
  };
}

export const quickActionMetadata = (raw: unknown): ActionSkillMetadata | undefined =>
  quickCheck<ActionSkillMetadata>(
    raw,
    validateActionSkillMetadata,
    (action) =>
      Object.keys(action.outcomes).length > 0 &&
      (action.executor !== "icp-score" || action.fit_threshold !== undefined),
  );

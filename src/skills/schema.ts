import { z } from "zod";
import { CanvasRole } from "../canvas/layouts.js";
import { ActionTypeName, OutputSchemaName } from "../core/stageSchemas.js";

// Front-matter of a SKILL.md. The top-level keys follow the Agent Skills format so the same folders
// work as skills for a coding assistant; this project's own keys live under `metadata`.

export const SkillName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be 1-64 characters of a-z, 0-9 and single hyphens");

const commaList = z.string().transform((text) =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0),
);

export const StageSkillMetadata = z.object({
  stage: z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a lower-case identifier such as hypothesis"),
  output: OutputSchemaName,
  file: z
    .string()
    .regex(
      /^\d+[a-z]?-[a-z0-9-]+(\.md|\/)$/,
      "must be a file such as 2-hypothesis.md (or 3b-review.md) or a folder such as 5-actions/",
    ),
  // The canvas sections most relevant to this stage, by role (canvas/layouts.yaml: assumptions, metrics...), named to the model.
  canvas: commaList.pipe(z.array(CanvasRole)).optional(),
  // Section headings a `sections` stage must fill.
  sections: commaList.optional(),
});
export type StageSkillMetadata = z.infer<typeof StageSkillMetadata>;

export const ActionSkillMetadata = z
  .object({
    type: ActionTypeName,
    owner: z.enum(["ai", "human"]),
    human_required: z.boolean(),
    duration_days: z.number().int().min(0).max(365),
    // outcome -> next action type, `learning`, or a closing state; routed by the action engine.
    outcomes: z
      .record(z.string().regex(/^[a-z][a-z0-9-]*$/, "outcome names are lower-case words such as qualified"), z.string())
      .refine((outcomes) => Object.keys(outcomes).length > 0, "an action needs at least one outcome"),
    // A built-in capability beyond rendering the assets: icp-score, metrics, send.
    executor: z.enum(["render", "icp-score", "metrics", "send"]).default("render"),
    // The outcome an AI action reports when it runs without a capability that decides one.
    default_outcome: z.string().optional(),
    // Mustache title for an action created by a routed outcome, e.g. "Demo for {{org}}".
    title: z.string().optional(),
    // Days after the action starts at which it runs again (measure: 7 and 30); it completes after the last.
    checks_days: z.array(z.number().int().positive()).min(1).optional(),
    // For icp-score: the fit score a lead must reach (the one place it is set; LeanOS's lead skill says 0.6).
    fit_threshold: z.number().min(0).max(1).optional(),
  })
  .refine((action) => action.executor !== "icp-score" || action.fit_threshold !== undefined, {
    path: ["fit_threshold"],
    message: "an icp-score action states the fit score a lead must reach, such as fit_threshold: 0.6",
  });
export type ActionSkillMetadata = z.infer<typeof ActionSkillMetadata>;

export const SkillFrontMatter = z
  .object({
    name: SkillName,
    description: z.string().min(1).max(1024),
    license: z.string().optional(),
    compatibility: z.string().max(500).optional(),
    "allowed-tools": z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type SkillFrontMatter = z.infer<typeof SkillFrontMatter>;

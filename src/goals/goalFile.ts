import { z } from "zod";
import { IsoDate } from "../core/schemaFields.js";

// A goal file's front-matter, as LeanOS's goal-setter writes it (v2.2: strategy/goals/{status}/{id}.md).
// The body (title, objective, criteria, subgoals, milestones, log) is read by goalBody.ts.

export const GoalId = z
  .string()
  .max(64)
  .regex(/^g-[a-z0-9]+(-[a-z0-9]+)*$/, "must be g- and a short kebab-case name, such as g-mrr-5k");

export const GOAL_STATUSES = ["active", "completed", "abandoned"] as const;
export const GoalStatus = z.enum(GOAL_STATUSES);
export type GoalStatus = z.infer<typeof GoalStatus>;

/** How much the AI may do alone for a goal's threads: never more than the workspace allows. */
export const GoalAutonomy = z.enum(["auto", "ask", "hybrid"]);
export type GoalAutonomy = z.infer<typeof GoalAutonomy>;

export const GoalType = z.enum(["business", "brand", "product", "learning", "custom"]);

export const GoalFrontMatter = z
  .object({
    id: GoalId,
    type: GoalType.default("business"),
    /** LeanOS's business-model mode, for business goals (optional). */
    mode: z.enum(["VENTURE", "BOOTSTRAP"]).optional(),
    status: GoalStatus,
    autonomy: GoalAutonomy.default("hybrid"),
    created: IsoDate,
    deadline: IsoDate,
    canvas_refs: z.array(z.string().min(1).max(120)).default([]),
  })
  .refine((goal) => goal.deadline >= goal.created, {
    path: ["deadline"],
    message: "must be on or after the day the goal was created",
  });
export type GoalFrontMatter = z.infer<typeof GoalFrontMatter>;

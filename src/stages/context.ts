import type { Review } from "../core/review.js";
import type { Canvas } from "../canvas/canvas.js";
import type { Goal } from "../goals/goals.js";
import type { Values } from "../values/valuesFile.js";

export type { Review };
import type { Skill, SkillSet } from "../skills/loader.js";
import type { ActionSkillMetadata, StageSkillMetadata } from "../skills/schema.js";
import type { RawEvent, StageOutputs, ThreadType } from "../core/stageSchemas.js";
import type { Pins } from "../core/reading.js";
import type { Lessons } from "../memory/recall.js";
import type { ThreadTypes } from "../core/threadTypes.js";

export type { RawEvent };

export type ActionTemplate = Skill & { action: ActionSkillMetadata };

/** Everything a drafter may use for one stage of one thread. */
export interface StageContext {
  thread: string;
  type: ThreadType;
  /** The thread's working date (YYYY-MM-DD): due dates count from it. */
  today: string;
  event: RawEvent;
  canvas: Canvas;
  workspaceRoot: string;
  skill: Skill & { stage: StageSkillMetadata };
  /** Earlier stages' outputs, by output schema name. */
  outputs: Partial<StageOutputs>;
  /** Human answers given so far, by stage key. */
  reviews: Record<string, Review>;
  actionTemplates: Map<string, ActionTemplate>;
  skills: SkillSet;
  /** The workspace's thread types (Workspace.threadTypes); without them, LeanOS's three (threadTypes.ts DEFAULT_THREAD_TYPES). */
  threadTypes?: ThreadTypes;
  approvalThreshold: number;
  /** Free-text feedback from a reviewer asking for a redraft of this stage. */
  feedback?: string;
  /** Values a person corrected (the amounts, the assumptions' directions, the verdict): every draft keeps them. */
  pins?: Pins;
  /** The workspace's value function, for a node whose graph entry uses the values check. */
  values?: Values;
  /** The workspace's active goals, which the input stage links an event to. */
  goals?: readonly Goal[];
  /** What the workspace's memory holds that bears on this event: the nearest examples, the latest, the confirmed rules. */
  lessons?: Lessons;
}

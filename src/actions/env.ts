import type { FollowingCalls, ModelUsage, StageDrafter } from "../stages/drafter.js";
import type { StageContext } from "../stages/context.js";
import type { Connector } from "./connectors.js";

// What running an action works with: the thread's context, the model (if any) that finishes its
// documents, the connector a send goes through, and the time of the run.

export interface ExecutionEnv {
  context: StageContext;
  /** When the provider can write documents, it finishes each filled template. */
  drafter?: StageDrafter;
  onUsage?: (label: string, usage: ModelUsage) => Promise<void>;
  threadDir: string;
  connector: Connector;
  siteUrl: string;
  now: Date;
  /** Which later calls of this run share the thread's prefix, for the model's prompt cache. */
  following?: FollowingCalls;
}

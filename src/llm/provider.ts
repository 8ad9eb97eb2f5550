import type { ZodType } from "zod";
import type { Canvas } from "../canvas/canvas.js";
import type { RawEvent, StageContext } from "../stages/context.js";
import type { OutputSchemaName, ThreadType } from "../stages/schemas.js";
import type { ModelIntent } from "../approvals/intent.js";
import type { PromptMessages } from "./prompt.js";

export interface ModelUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  latency_ms: number;
}

export interface DraftRequest {
  context: StageContext;
  schemaName: OutputSchemaName;
  /** The stage's output schema, refined with what this workspace allows (assumption ids, action types). */
  schema: ZodType;
  messages: PromptMessages;
  /** Set when a previous answer failed validation and the model is asked to repair it. */
  repair?: { previous: unknown; problems: string };
}

export interface Classification {
  type: ThreadType;
  title: string;
}

export interface ArtifactRequest {
  company: string;
  thread: string;
  type: string;
  name: string;
  /** The action skill's body. */
  instructions: string;
  /** The asset template rendered with the thread's facts. */
  skeleton: string;
}

export interface IntentRequest {
  question: string;
  allowed: string;
  outcomes?: string;
  fields: string;
  line: string;
}

/** A source of stage drafts: a rule-based offline drafter or a LangChain chat model. */
export interface StageDrafter {
  readonly provider: string;
  readonly model: string;
  classify(event: RawEvent, canvas: Canvas): Promise<Classification>;
  draft(request: DraftRequest): Promise<{ output: unknown; usage?: ModelUsage }>;
  /** A model turns a filled template into a finished document; without it the filled template is the artifact. */
  writeArtifact?(request: ArtifactRequest): Promise<{ text: string; usage: ModelUsage }>;
  /** A model reads a free-text chat reply; without it only the command words are understood. */
  readIntent?(request: IntentRequest): Promise<ModelIntent>;
}

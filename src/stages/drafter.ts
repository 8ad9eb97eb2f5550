import type { ZodType } from "zod";
import type { RawEvent, StageContext } from "./context.js";
import type { OutputSchemaName, ThreadType } from "../core/stageSchemas.js";
import type { ModelIntent } from "../core/intent.js";
import type { Canvas } from "../canvas/canvas.js";
import type { SkillSet } from "../skills/loader.js";
import type { Lessons } from "../memory/recall.js";
import type { Reading, ReadingFields } from "../core/reading.js";
import type { Example } from "../memory/examples.js";
import type { ThreadTypes } from "../core/threadTypes.js";

/** Which later calls of this process share a request's prefix: another call of the same thread, or of another thread. */
export type FollowingCalls = "thread" | "workspace" | "none";

/** A prefix a call wrote or refreshed in a prompt cache, as the audit log keeps it (a hash, never the text). */
export interface PrefixUse {
  prefix: string;
  ttl: "5m" | "1h";
}

export interface ModelUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  /** Tokens written to the prompt cache (billed above the input rate); counted in input_tokens too. */
  cache_write_tokens: number;
  /** Of the writes, those kept for an hour (billed at 2x the input price instead of 1.25x). */
  cache_write_1h_tokens?: number;
  latency_ms: number;
  /** The prefixes the call marked for the prompt cache or read from it (hashes), for later calls' plans. */
  cached?: PrefixUse[];
}

export interface DraftRequest {
  context: StageContext;
  schemaName: OutputSchemaName;
  /** The stage's output schema, refined with what this workspace allows (assumption ids, action types). */
  schema: ZodType;
  /** Set when a previous answer failed validation and the model is asked to repair it. */
  repair?: { previous: unknown; problems: string };
  /** Which later calls of this process share the request's prefix (the prompt cache marks it only for them). */
  following?: FollowingCalls;
}

export interface Classification {
  type: ThreadType;
  title: string;
}

export interface IntentRequest {
  question: string;
  allowed: string;
  outcomes?: string;
  fields: string;
  line: string;
}

/** What a rule is proposed from: the corrected event, the reading and the correction, and what the memory holds. */
export interface RuleRequest {
  event: string;
  read: Reading;
  fields: ReadingFields;
  /** The company's words (its canvas's) that the event holds: the only words a rule may name. */
  words: string[];
  /** Earlier examples (their event and final reading): a rule should not contradict them. */
  others: Array<{ event: string; final: Example["final"] }>;
  /** The workspace's thread types: a rule's type is one of them. */
  threadTypes: ThreadTypes;
}

/** A source of stage drafts: a rule-based offline drafter or a LangChain chat model. */
export interface StageDrafter {
  readonly provider: string;
  readonly model: string;
  /** Names a new event's thread; a model call reports its usage. */
  classify(event: RawEvent, basis: PromptBasis): Promise<Classification & { usage?: ModelUsage }>;
  /** `problem` says why an answer is none at all (another tool called): it is sent back like a validation problem. */
  draft(request: DraftRequest): Promise<{ output: unknown; problem?: string; usage?: ModelUsage }>;
  /** A model turns an action's filled templates into finished documents, in one call; without it the filled templates are the artifacts. */
  writeDocuments?(request: DocumentsToWrite): Promise<{ texts: Map<string, string>; usage: ModelUsage[] }>;
  /**
   * After a person's correction, proposes at most one rule that explains it (memory/proposals.ts
   * checks it, and it waits for a person); the answer is checked, never trusted.
   */
  proposeRule?(request: RuleRequest): Promise<{ candidate: unknown; usage?: ModelUsage }>;
  /** A model reads a free-text chat reply; without it only the command words are understood. */
  readIntent?(request: IntentRequest): Promise<ModelIntent>;
}

/** What every request of a workspace starts with. */
export interface PromptBasis {
  canvas: Canvas;
  skills: SkillSet;
  /** What the workspace's memory holds that bears on the event being read (memory/recall.ts). */
  lessons?: Lessons;
  /** The workspace's thread types (its name of business, the types it declares); without them, LeanOS's three. */
  threadTypes?: ThreadTypes;
}

export interface DocumentsToWrite {
  context: StageContext;
  action: { id: string; type: string };
  /** The action skill's body. */
  instructions: string;
  documents: Array<{ name: string; skeleton: string }>;
  /** Which later calls of this process share the request's prefix: more documents, or the next stage. */
  following?: FollowingCalls;
}

import type { GivenAnswer } from "../gates/wire.js";
import type { ReadingFields } from "../core/reading.js";
import type { RawEvent, ThreadType } from "../core/stageSchemas.js";
import type { PendingItem, ThreadMeta } from "../core/threadMeta.js";
import type { StageDrafter } from "../stages/drafter.js";

// What every client of leanos asks of a workspace's threads: the CLI, the chat session, the web inbox
// and scripts. Two implementations keep it: the embedded runtime (engine.ts) on the workspace itself,
// and the client of a LangGraph server (remote/threads.ts). A front end holds a ThreadService and
// never asks which one it has; service.ts makes the right one from the options.

/** A thread after a step: where it stands, what waits, the files it wrote. */
export interface ThreadResult {
  thread: string;
  state: ThreadMeta["state"];
  pending: PendingItem[];
  dir: string;
  files: string[];
  /** Threads started from opportunities approved in this run. */
  started: ThreadResult[];
  /** After feedback (respond): which fields of the stage's output the redraft changed, and which only note it. */
  redraft?: { stage: string; changed: string[]; noted: string[] };
}

/** A correction taken: the thread after its redraft, and what was recorded of it. */
export type CorrectionResult = ThreadResult & {
  after_acting?: boolean;
  fields?: ReadingFields;
  /** The name the thread had before a correction of its type moved it. */
  renamed?: string;
  proposed_rule?: { id: string; says: string };
};

export interface CorrectionOptions {
  /** Who corrects; through a server, the user its auth hook authenticated instead. */
  by: string;
  reason?: string;
}

export interface ThreadService {
  /** The workspace folder drafts are read from, when this machine has it (a server's may be elsewhere). */
  readonly root: string | undefined;
  /** The largest event taken, in bytes. */
  readonly maxEventBytes: number;
  now(): Date;
  startEvent(event: RawEvent, type?: ThreadType): Promise<ThreadResult>;
  /** What waits for a person, highest impact first; of one thread when it is named. */
  pending(name?: string): Promise<PendingItem[]>;
  /** The values an edit of the question a thread waits at may change, as they are now. */
  editable(name: string): Promise<Record<string, unknown>>;
  /** A thread's stage outputs, by schema name (input, hypothesis...). */
  stageOutputs(name: string): Promise<Partial<Record<string, unknown>>>;
  /** Answers the question a thread waits at; with `expected`, only if that very question still waits. */
  answer(name: string, response: GivenAnswer, expected?: string): Promise<ThreadResult>;
  /** Corrects what the drafter read of a thread (its type, assumptions, verdict, facts). */
  correct(name: string, given: unknown, options: CorrectionOptions): Promise<CorrectionResult>;
  /** The model that reads free text in a chat, if there is one. */
  intentReader(): Promise<Pick<StageDrafter, "readIntent">>;
  close(): Promise<void>;
}

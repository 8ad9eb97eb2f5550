import type { BaseStore } from "@langchain/langgraph-checkpoint";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { ThreadType } from "../core/stageSchemas.js";
import type { IndexRow } from "./indexRow.js";
import type { LeaseStore } from "./leases.js";

// The runtime state of a workspace that is not a readable file: LangGraph's checkpoints, the thread
// index, the leases (one pass at a time, one process per thread) and the slug claims. Two backends
// keep the same contract: the workspace's SQLite file (the default, one machine), and PostgreSQL
// (several workers and machines; every row carries the workspace's id).

/** Thread names (type/slug), each taken by one thread id once and for good, across every process. */
export interface SlugClaims {
  /** Takes `thread` for the thread `id`: true when it is now (or already was) `id`'s, false when another thread has it. */
  claim(thread: string, id: string): Promise<boolean>;
  /**
   * Takes over `thread`'s claim for `id` when its claimant is gone (its process died on this
   * machine, or it claimed more than STALE_MS ago): a start killed between its claim and its folder.
   * The caller knows the name has no folder. True when `id` now holds it.
   */
  reclaim(thread: string, id: string): Promise<boolean>;
}

export interface Validation {
  assumption: string;
  /** Sales threads whose learning validated it. */
  count: number;
  /** The first `limit` of them by name. */
  sources: string[];
}

/** One row per thread (indexRow.ts), kept in step with meta.json. */
export interface ThreadIndex {
  put(row: IndexRow): Promise<void>;
  get(thread: string): Promise<IndexRow | undefined>;
  byId(id: string): Promise<IndexRow | undefined>;
  /** Every thread's name, sorted. */
  names(): Promise<string[]>;
  /** Every row, sorted by name (status lists them all). */
  rows(): Promise<IndexRow[]>;
  /** Rows in these states, sorted by name. */
  inStates(states: readonly IndexRow["state"][]): Promise<IndexRow[]>;
  /** Rows whose meta.json a pass or today's page reads (see needsReading), sorted by name. */
  toRead(recentSince: string): Promise<IndexRow[]>;
  /** How many rows per type are not among toRead(recentSince): done threads that only count. */
  idleCounts(recentSince: string): Promise<Array<{ type: ThreadType; count: number }>>;
  /** Assumptions validated by at least `atLeast` sales threads, with up to `limit` of them. */
  validations(atLeast: number, limit: number): Promise<Validation[]>;
  /** Pattern keys threads were started from. */
  patternKeys(): Promise<string[]>;
  /** Thread names of one type. */
  namesOfType(type: ThreadType): Promise<string[]>;
  /** Adds the row unless the thread has one (a live writer's row is newer than what a build read). */
  putIfAbsent(row: IndexRow): Promise<void>;
  remove(thread: string): Promise<void>;
  /** Records that every thread folder has a row (older workspaces have threads and no index). */
  markBuilt(): Promise<void>;
  isBuilt(): Promise<boolean>;
}

/**
 * Secrets of the workspace's own (the key that seals graph state, the one that signs API tokens):
 * made at random on first use and kept in the store, so every process and machine of the workspace
 * shares them and no client of the graph can read them.
 */
/** The secrets a workspace has: a store the workspace moves to takes each of them. */
export const SECRET_NAMES = ["state-seal", "api-tokens"] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export interface WorkspaceSecrets {
  /** The secret named `name` (64 hex digits), made on first use. */
  get(name: SecretName): Promise<string>;
  /** Sets it (a store the workspace moves to takes its source's secrets). */
  set(name: SecretName, value: string): Promise<void>;
}

export interface WorkspaceStore {
  readonly kind: "sqlite" | "postgres";
  /** Where it lives, for people: a path, or the database with the password left out. */
  readonly where: string;
  /**
   * Whether it can only be read (SQLite on a workspace that cannot be written): readers then mend
   * nothing they find behind, and any write is refused.
   */
  readonly readOnly: boolean;
  readonly checkpointer: BaseCheckpointSaver;
  readonly leases: LeaseStore;
  readonly claims: SlugClaims;
  readonly index: ThreadIndex;
  readonly secrets: WorkspaceSecrets;
  /**
   * LangGraph's long-term store: what the workspace remembers across threads. Its own, however many
   * workspaces share a database (PostgreSQL: a schema per workspace; SQLite: the workspace's file).
   */
  readonly memory: BaseStore;
  /** The ids of every thread with checkpoints (a thread killed before its folder has some too). */
  checkpointedThreadIds(): Promise<string[]>;
  close(): Promise<void>;
}

/** A store opened without its checkpointer: enough to read and mend the thread index. */
export type IndexStore = Omit<WorkspaceStore, "checkpointer" | "memory">;

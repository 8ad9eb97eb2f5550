import type { ThreadMeta } from "./threadMeta.js";

/** The LangGraph thread id of a thread (zod-free, for the read path). */
export const threadIdOf = (meta: Pick<ThreadMeta, "thread" | "id">): string => meta.id ?? meta.thread;

/** The LangGraph thread id of a thread (zod-free, for the read path): its id, else its name. */
export const threadIdOf = (meta: { thread: string; id?: string | undefined }): string => meta.id ?? meta.thread;

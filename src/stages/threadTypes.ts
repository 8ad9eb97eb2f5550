// The thread types, in a module of their own so the CLI can offer them as choices without loading
// zod; schemas.ts builds the ThreadType schema from this list.
export const THREAD_TYPES = ["sales", "marketing", "business"] as const;

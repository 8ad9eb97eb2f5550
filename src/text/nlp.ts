import { createRequire } from "node:module";
import type nlpOf from "compromise";

// compromise's one-file build (its CommonJS bundle): the package's ESM entry loads its src/ tree of
// 436 files, which took about half a second longer to start on this machine (2026-12-06). Loaded at
// the first text it reads, not when a module that may read one is imported: `leanos memory`, `usage`
// and the other commands that draft nothing never pay its 0.15-0.3 s of start-up.
const require = createRequire(import.meta.url);
let loaded: typeof nlpOf | undefined;

export const nlp = ((text: string) => {
  loaded ??= require("compromise") as typeof nlpOf;
  return loaded(text);
}) as typeof nlpOf;

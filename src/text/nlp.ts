import { createRequire } from "node:module";
import type nlpOf from "compromise";

// compromise's one-file build (its CommonJS bundle): the package's ESM entry loads its src/ tree of
// 436 files, which took about half a second longer to start on this machine (2026-12-06).
const require = createRequire(import.meta.url);
export const nlp = require("compromise") as typeof nlpOf;

import type { HostileCase } from "../harness.js";
import { cases as canvasLayouts } from "./canvasLayouts.js";
import { cases as configuration } from "./configuration.js";
import { cases as corrections } from "./corrections.js";
import { cases as edits } from "./edits.js";
import { cases as environment } from "./environment.js";
import { cases as events } from "./events.js";
import { cases as files } from "./files.js";
import { cases as names } from "./names.js";
import { cases as paths } from "./paths.js";
import { cases as readers } from "./readers.js";

// Every category of the hostile-input suite. Each has a runner of its own (test/hostile/<name>.test.ts),
// so vitest spreads them over its workers.
export const categories = {
  events,
  files,
  configuration,
  environment,
  paths,
  names,
  edits,
  corrections,
  readers,
  canvasLayouts,
} satisfies Record<string, HostileCase[]>;

export type Category = keyof typeof categories;

import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";

// The tool's own data folders (skills, prompts, graphs, examples) sit beside dist/ and src/.
const here = dirname(fileURLToPath(import.meta.url));
export const toolRoot = resolve(here, "..", "..");
export const toolPath = (...parts: string[]): string => join(toolRoot, ...parts);

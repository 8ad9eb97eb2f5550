import { afterAll } from "vitest";
import { removeTempDirs } from "./helpers.js";

// Run before every test file (vitest.config.ts), also where files share one process: what a file
// made in temp folders is removed when it is done.
afterAll(removeTempDirs);

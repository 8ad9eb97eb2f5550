import { existsSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** Where the files a run reports are: the workspace's folder and its threads folder. */
export interface ProgressPlace {
  root: string;
  threadsDir: string;
}

/**
 * The files a step wrote, as paths from the workspace's folder that a person can open. A stage names
 * its files from its thread's folder (1-input.md), an action its artifacts from the workspace's
 * (artifacts/...): each is looked up in the thread's folder first, then in the workspace's, and
 * only one that exists is shown.
 */
export function shownPaths(place: ProgressPlace, thread: string, files: readonly string[]): string[] {
  const shown: string[] = [];
  for (const file of files) {
    const found = [join(place.threadsDir, thread, file), join(place.root, file)].find((path) => existsSync(path));
    if (found) shown.push(relative(place.root, found).split(sep).join("/"));
  }
  return shown;
}

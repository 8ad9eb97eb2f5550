import { existsSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { join, relative, resolve } from "node:path";
import Mustache from "mustache";
import { UsageError } from "../errors.js";
import { makeDir, writeFileAtomically } from "../files/atomic.js";
import { toolPath } from "../files/toolRoot.js";
import type { BusinessMode } from "../stages/schemas.js";

// `leanos init`: lays out a new workspace from examples/skeleton/: the canvas sections with what to
// write in each, the assumptions file in the format leanos updates, the folders and the settings.

const FOLDERS = ["events", "threads", "artifacts", "ops/metrics", "research/customer/icp", "skills"];

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else found.push(path);
  }
  return found.sort();
}

export async function initWorkspace(dir: string, options: { company: string; mode: BusinessMode; git: boolean }): Promise<{ root: string; files: string[] }> {
  const root = resolve(dir);
  if (existsSync(join(root, "strategy", "canvas"))) throw new UsageError(`${root} already holds a canvas (strategy/canvas/); nothing was changed`);
  await mkdir(root, { recursive: true });
  const skeleton = toolPath("examples", "skeleton");
  const written: string[] = [];
  for (const source of await filesUnder(skeleton)) {
    const name = relative(skeleton, source);
    const target = name === ".leanos-config.yaml" ? join(".leanos", "config.yaml") : name;
    if (existsSync(join(root, target))) throw new UsageError(`${join(root, target)} exists; nothing more was written`);
    await writeFileAtomically(root, target, Mustache.render(await readFile(source, "utf8"), { company: options.company, mode: options.mode }));
    written.push(target);
  }
  for (const folder of FOLDERS) await makeDir(root, folder);
  if (options.git && !existsSync(join(root, ".git"))) {
    const git = spawnSync("git", ["init", "--quiet", root], { encoding: "utf8" });
    if (git.status !== 0) throw new UsageError(`git init failed: ${git.stderr.trim()}`);
    await writeFileAtomically(root, ".gitignore", ".leanos/checkpoints.sqlite*\n.leanos/*.lock\nthreads/**/.lock\n");
    written.push(".gitignore");
  }
  return { root, files: written };
}

import { existsSync, readdirSync, statSync } from "node:fs";
import { FALLBACK_GIT_IDENTITY } from "../files/gitIdentity.js";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { dirname, join, relative, resolve, sep } from "node:path";
import { layoutNamed, type Layout, type LayoutName } from "../canvas/layouts.js";
import { renderPlain } from "../files/plainTemplate.js";
import { UsageError } from "../errors.js";
import { makeDir, writeFileAtomically } from "../files/atomic.js";
import { toolPath } from "../files/toolRoot.js";
import type { BusinessMode } from "../core/stageSchemas.js";
import { ICP_DIR, ICP_FORMAT } from "../actions/icp.js";

// `leanos init`: lays out a new workspace from examples/skeleton/: the canvas sections with what to
// write in each (one skeleton per role, examples/skeleton/canvas/, named as the chosen layout names
// them: LeanOS's guide by default), the assumptions file in the format leanos updates, the folders
// and the settings.

const FOLDERS = ["events", "threads", "artifacts", "ops/metrics", ICP_DIR, "skills"];

/**
 * What the new workspace still lacks that an action needs, one short line each. A lead is not scored
 * without an ICP (its action waits for a person), so an empty ICP folder is said at once.
 */
export function workspaceNotes(root: string): string[] {
  const dir = join(root, ICP_DIR);
  const icps = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith("-icp.yaml")) : [];
  return icps.length > 0 ? [] : [`${ICP_DIR}/ is empty: add ${ICP_FORMAT}, or leads wait for you unscored.`];
}

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else found.push(path);
  }
  return found.sort();
}

/** The longest company name taken: it goes into headings and lines of the canvas. */
export const MAX_COMPANY_LENGTH = 100;

/** The company's name as it will be written: one line of text, so it cannot add headings or rows. */
export function checkCompanyName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new UsageError("--company: the company's name is empty");
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) {
    throw new UsageError(
      "--company: the name must be one line of text, without newlines or control characters (it is written into the canvas)",
    );
  }
  if ([...trimmed].length > MAX_COMPANY_LENGTH)
    throw new UsageError(`--company: the name is longer than ${MAX_COMPANY_LENGTH} characters`);
  return trimmed;
}

/** The folder the workspace goes into must be one, or be creatable: no file on the way. */
function checkTarget(root: string): void {
  for (let path = root; ; path = dirname(path)) {
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      // Not there (or under a file, which the walk up finds): look at the parent.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === "ENOENT" || code === "ENOTDIR") && dirname(path) !== path) continue;
      throw error;
    }
    if (stat.isDirectory()) return;
    throw new UsageError(
      path === root
        ? `${root} is a file, not a folder; give a new or existing folder for the workspace`
        : `${root} cannot be made: ${path} is a file, not a folder; give another place for the workspace`,
    );
  }
}

/** Where each file of the skeleton goes: the canvas's role files under the layout's names, the rest as they are. */
async function skeletonFiles(layout: Layout): Promise<Array<{ source: string; target: string; number?: string }>> {
  const skeleton = toolPath("examples", "skeleton");
  const canvas = Object.entries(layout.files).map(([stem, role]) => ({
    source: join(skeleton, "canvas", `${role}.md`),
    target: join("strategy", "canvas", `${stem}.md`),
    number: stem.slice(0, 2),
  }));
  const rest = (await filesUnder(skeleton))
    .map((source) => ({ source, name: relative(skeleton, source) }))
    .filter(({ name }) => !name.startsWith(`canvas${sep}`))
    .map(({ source, name }) => ({
      source,
      target: name === ".leanos-config.yaml" ? join(".leanos", "config.yaml") : name,
    }));
  return [...canvas, ...rest];
}

export async function initWorkspace(
  dir: string,
  options: { company: string; mode: BusinessMode; git: boolean; layout?: LayoutName },
): Promise<{ root: string; files: string[]; notes: string[] }> {
  const root = resolve(dir);
  const company = checkCompanyName(options.company);
  checkTarget(root);
  if (existsSync(join(root, "strategy", "canvas")))
    throw new UsageError(`${root} already holds a canvas (strategy/canvas/); nothing was changed`);
  const layout = layoutNamed(options.layout ?? "lean-os");
  const files = await skeletonFiles(layout);
  // Every target is checked before the first is written, so a refusal leaves the folder as it was.
  const taken = files.filter(({ target }) => existsSync(join(root, target)));
  if (taken.length > 0)
    throw new UsageError(
      `${join(root, taken[0]!.target)} exists${taken.length > 1 ? ` (and ${taken.length - 1} more of the skeleton's files)` : ""}; nothing was written`,
    );
  await mkdir(root, { recursive: true });
  const written: string[] = [];
  for (const { source, target, number } of files) {
    // Markdown, not HTML: the name is written as given (AT&T <Labs> stays AT&T <Labs>).
    await writeFileAtomically(
      root,
      target,
      renderPlain(await readFile(source, "utf8"), {
        company,
        mode: options.mode,
        number: number ?? "",
        layout_says: layout.says,
      }),
    );
    written.push(target);
  }
  for (const folder of FOLDERS) await makeDir(root, folder);
  if (options.git && !existsSync(join(root, ".git"))) {
    const git = spawnSync("git", ["init", "--quiet", root], { encoding: "utf8" });
    if (git.status !== 0) throw new UsageError(`git init failed: ${git.stderr.trim()}`);
    await writeFileAtomically(root, ".gitignore", ".leanos/checkpoints.sqlite*\n.leanos/tmp/\n");
    written.push(".gitignore");
    // A first commit of the skeleton, so the canvas's first approved change is a diff against it.
    const known = spawnSync("git", ["-C", root, "config", "user.email"], { encoding: "utf8" }).status === 0;
    const identity = known ? [] : [...FALLBACK_GIT_IDENTITY];
    const added = spawnSync("git", ["-C", root, "add", "-A"], { encoding: "utf8" });
    const committed =
      added.status === 0
        ? spawnSync(
            "git",
            ["-C", root, ...identity, "commit", "--quiet", "-m", "leanos init: the workspace skeleton"],
            { encoding: "utf8" },
          )
        : added;
    if (committed.status !== 0)
      throw new UsageError(`git commit of the new workspace failed: ${committed.stderr.trim()}`);
  }
  return { root, files: written, notes: workspaceNotes(root) };
}

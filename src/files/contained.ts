import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UsageError } from "../errors.js";

// Containment: every path leanos reads from or writes to in a workspace must stay inside it. A
// workspace is often a shared git repository, so a symlink planted in it (threads/sales -> /etc,
// .leanos -> ~) is an attack, not only a mistake: it is refused, naming the link.

/** A path that would leave the workspace, through a symlink or by its own name. */
export class OutsideWorkspace extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = "OutsideWorkspace";
  }
}

const realRoots = new Map<string, string>();

function realRoot(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = realpathSync(root);
    realRoots.set(root, real);
  }
  return real;
}

const within = (real: string, candidate: string): boolean =>
  candidate === real || candidate.startsWith(real.endsWith(sep) ? real : `${real}${sep}`);

/** Where a symlink leads, resolved as far as the file system allows (a dangling link still has a target). */
function linkTarget(link: string): string {
  try {
    return realpathSync(link);
  } catch {
    const target = resolve(dirname(link), readlinkSync(link));
    // The deepest existing parent of a dangling target decides where it would land.
    let existing = target;
    const rest: string[] = [];
    for (;;) {
      try {
        return join(realpathSync(existing), ...rest.reverse());
      } catch {
        const parent = dirname(existing);
        if (parent === existing) return target;
        rest.push(existing.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
        existing = parent;
      }
    }
  }
}

/**
 * Checks that `path` (absolute, or relative to `root`) stays inside the workspace `root`: by name,
 * and through every symlink on the way, the file itself included. Returns the absolute path.
 */
export function containedPath(root: string, path: string): string {
  const absolute = isAbsolute(path) ? path : join(root, path);
  const rel = relative(root, absolute);
  if (rel.startsWith("..") || isAbsolute(rel))
    throw new OutsideWorkspace(`${absolute} is outside the workspace ${root}; nothing was written`);
  const real = realRoot(root);
  let current = root;
  for (const part of rel.split(sep).filter((segment) => segment.length > 0)) {
    current = join(current, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch (error) {
      // What does not exist yet will be made by leanos, inside the parent checked so far (a part
      // that is a file, ENOTDIR, fails at the write itself, with its own message).
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") break;
      throw error;
    }
    if (!isLink) continue;
    const target = linkTarget(current);
    if (!within(real, target)) {
      throw new OutsideWorkspace(
        `${relative(root, current)} is a symlink to ${target}, outside the workspace ${root}; leanos does not follow links out of the workspace (replace the link with a folder or file)`,
      );
    }
  }
  return absolute;
}

/**
 * Where `path` (absolute, inside `root`) really lands, relative to the workspace's real folder: every
 * symlink on the way is resolved, so a link inside the workspace that leads to `.leanos/` or `.git/`
 * reads as that place, not as the name it was reached by. The file itself is not resolved, because a
 * write replaces it (a rename onto a link replaces the link).
 */
export function realLocation(root: string, path: string): string {
  const absolute = isAbsolute(path) ? path : join(root, path);
  let parent = dirname(absolute);
  const rest: string[] = [absolute.slice(parent.length + (parent.endsWith(sep) ? 0 : 1))];
  for (;;) {
    try {
      return relative(realRoot(root), join(realpathSync(parent), ...rest.reverse()));
    } catch {
      const up = dirname(parent);
      if (up === parent) return relative(root, absolute);
      rest.push(parent.slice(up.length + (up.endsWith(sep) ? 0 : 1)));
      parent = up;
    }
  }
}

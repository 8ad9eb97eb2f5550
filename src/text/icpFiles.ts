import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

// Where the ICP files are, apart from their reading (icps.ts): checking them (actions/dataFiles.ts)
// goes through the parse cache and loads no YAML parser.

const ICP_DIR = join("research", "customer", "icp");

export function icpFiles(workspaceRoot: string): string[] {
  if (!existsSync(join(workspaceRoot, ICP_DIR))) return [];
  return readdirSync(join(workspaceRoot, ICP_DIR))
    .filter((file) => file.endsWith("-icp.yaml"))
    .sort()
    .map((name) => join(ICP_DIR, name));
}

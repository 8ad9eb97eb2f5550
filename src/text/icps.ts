import { parseYamlFile } from "../files/parsed.js";
import { readTextSync } from "../files/readText.js";
import { icpFiles } from "./icpFiles.js";

// The workspace's ICP files (research/customer/icp/*-icp.yaml), read apart from the search over them
// (relevance.ts), so checking them before a command loads no search library.

export { icpFiles } from "./icpFiles.js";

export interface IcpFile {
  segment: string;
  description?: string;
  /** The segment's typical deal per year: `typical_acv` in the workspace's currency, or `typical_acv_usd`, `typical_acv_eur`... in the one it names. */
  typical_acv?: number;
  typical_acv_usd?: number;
  [field: `typical_acv_${string}`]: number | undefined;
  criteria?: Array<{ name?: string; signals?: string[] }>;
}

/** Reads research/customer/icp/*-icp.yaml; a file that is not an ICP is skipped, one that is not YAML is refused. */
export function readIcps(workspaceRoot: string): IcpFile[] {
  const icps: IcpFile[] = [];
  for (const path of icpFiles(workspaceRoot)) {
    const data = parseYamlFile(path, readTextSync(workspaceRoot, path)) as Partial<IcpFile> | null;
    if (data && typeof data.segment === "string") icps.push(data as IcpFile);
  }
  return icps;
}

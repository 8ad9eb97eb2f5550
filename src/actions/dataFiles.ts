import { readIcps } from "../text/icps.js";
import { readMetricsRows } from "./metricsSource.js";

/**
 * Parses the workspace's data files now: ops/metrics/*.yaml and research/customer/icp/*-icp.yaml.
 * They are read in the middle of a step (scoring a lead, measuring a campaign); checked up front, a
 * broken one is refused by file and line before a command writes anything, like a broken canvas.
 */
export async function checkDataFiles(root: string): Promise<void> {
  await readMetricsRows(root);
  readIcps(root);
}

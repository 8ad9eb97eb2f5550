import { cachedYamlFile } from "../files/cachedReads.js";
import { readText } from "../files/readText.js";
import { icpFiles } from "../text/icpFiles.js";
import { readMeasurements } from "../goals/measurements.js";
import { readMetricsRows } from "./metricsSource.js";

/**
 * Parses the workspace's data files now: ops/metrics/*.yaml (campaign and measurement rows) and
 * research/customer/icp/*-icp.yaml.
 * They are read in the middle of a step (scoring a lead, measuring a campaign); checked up front, a
 * broken one is refused by file and line before a command writes anything, like a broken canvas.
 */
export async function checkDataFiles(root: string): Promise<void> {
  await readMetricsRows(root);
  await readMeasurements(root);
  // Each ICP file parses (text/icps.ts reads them when a step needs them); through the cache.
  for (const path of icpFiles(root)) await cachedYamlFile(path, await readText(root, path));
}

import { join } from "node:path";
import { z } from "zod";
import { findingsMissing } from "./findings.js";
import type { MissingInput } from "./missingInput.js";
import { icpToScore } from "./icp.js";
import { metricsMissing, readMetricsRows } from "./metricsSource.js";

// An AI action that lacks what its capability works from (an ICP to score a lead against, figures to
// measure, anything an investigation can report) does not close on an empty result: it waits for a
// person, and the question says what is missing and what to add (the words are with each input:
// icp.ts, metricsSource.ts, findings.ts). Here: what the question records of the wait, and the check
// an accept must pass once the person says the inputs are there.

export type { MissingInput };

/**
 * What the question of a waiting action records of its wait (in `locked`, set by the engine), so an
 * accept can be checked against the workspace as it is when the person answers.
 */
export const InputWait = z.object({
  /** What it waits for: an ICP, figures, or findings (a document with an empty findings table). */
  needs: z.enum(["icp", "metrics", "findings", "values"]),
  reason: z.string(),
  /** icp: the segment the input stage named, if any. */
  segment: z.string().nullable().optional(),
  /** metrics: the campaign measured. */
  campaign: z.string().optional(),
  /** findings: the documents whose findings tables the person fills in. */
  documents: z.array(z.string()).default([]),
  /** values: the event, title and note the check read (the documents are read again), and whether it sends. */
  texts: z.array(z.string()).optional(),
  sends: z.boolean().optional(),
});
export type InputWait = z.infer<typeof InputWait>;

/** Whether the action still lacks its inputs, read from the workspace now. */
export async function stillMissing(workspaceRoot: string, wait: InputWait): Promise<MissingInput | undefined> {
  switch (wait.needs) {
    case "icp": {
      const icp = icpToScore(workspaceRoot, wait.segment, "");
      return "missing" in icp ? icp.missing : undefined;
    }
    case "metrics":
      return metricsMissing(await readMetricsRows(workspaceRoot), wait.campaign ?? "campaign");
    case "findings":
      return findingsMissing(workspaceRoot, wait.documents);
    case "values": {
      const [{ breachedConstraint, documentTexts }, { workspaceCurrency }, { readCanvas }] = await Promise.all([
        import("./valuesGate.js"),
        import("../text/money.js"),
        import("../canvas/canvas.js"),
      ]);
      const canvas = await readCanvas(join(workspaceRoot, "strategy", "canvas"), workspaceRoot);
      return breachedConstraint(workspaceRoot, workspaceCurrency(canvas), {
        texts: [...(wait.texts ?? []), ...(await documentTexts(workspaceRoot, wait.documents))],
        sends: wait.sends ?? false,
        now: new Date(),
      });
    }
  }
}

import { z } from "zod";

// The gates a graph file may put after a stage; one name for each, used alike in graph files,
// pending items, interrupts and the audit log:
//   impact        - waits for a human when the thread's impact score reaches the approval threshold
//   always        - always waits for a human
//   actions       - each planned action the approval policy says needs a person waits (core/policy.ts needsHuman)
//   canvas        - a learning's proposed canvas changes wait for a human, shown as a diff
//   opportunities - each follow-up a learning proposes waits for a human; approved ones start threads
export const GateKind = z.enum(["impact", "always", "actions", "canvas", "opportunities"]);
export type GateKind = z.infer<typeof GateKind>;

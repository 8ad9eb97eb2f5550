import { z } from "zod";
import { GateKind } from "../core/gateKind.js";

// A graph file (graphs/*.yaml) as zod checks it: the source of truth, from which the read path's
// validator is generated (scripts/validators/build.mjs); spec.ts reads the file and checks the rest.
// It lists the stage nodes by skill name, in order, with their gates (one, or a list run in order;
// src/core/gateKind.ts says what each does).

export const GraphFile = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    description: z.string().optional(),
    nodes: z
      .array(
        z
          .object({
            skill: z.string().min(1),
            gate: z.union([GateKind, z.array(GateKind).min(1)]).optional(),
            next: z.string().min(1).optional(),
            sla_days: z.number().positive().optional(),
            /** Skills the node uses besides its own: goals (skills/goals) and values (skills/values). */
            uses: z.array(z.string().min(1)).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type GraphFile = z.infer<typeof GraphFile>;

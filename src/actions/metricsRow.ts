import { z } from "zod";

// One row of ops/metrics/*.yaml as zod checks it: the source of truth, from which the read path's
// validator is generated (scripts/validators/build.mjs); metricsSource.ts reads the files.

export const MetricsRow = z.object({
  date: z.union([
    z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    z.date().transform((date) => date.toISOString().slice(0, 10)),
  ]),
  piece: z.string().min(1),
  channel: z.string().default("unknown"),
  sessions: z.number().int().min(0).default(0),
  demos: z.number().int().min(0).default(0),
  conversions: z.number().int().min(0).default(0),
});
export type MetricsRow = z.infer<typeof MetricsRow>;

export const MetricsRows = z.array(MetricsRow);

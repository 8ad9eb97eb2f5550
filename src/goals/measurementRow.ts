import { z } from "zod";
import { IsoDate } from "../core/schemaFields.js";

// A measurement row of ops/metrics/*.yaml, beside the campaign rows (actions/metricsRow.ts): one
// metric's value on a date, as a goal's progress is read ("- { date: 2026-12-01, metric: MRR, value:
// 4200, currency: EUR }"). The source of truth for the read path's generated validator.

export const MeasurementRow = z.object({
  date: IsoDate,
  metric: z.string().min(1).max(120),
  value: z.number().finite(),
  /** A sum's ISO 4217 code; without it, a sum is in the workspace's currency. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as EUR")
    .optional(),
  /** A share rather than a count: `unit: "%"`. */
  unit: z.enum(["%"]).optional(),
  note: z.string().max(500).optional(),
});
export type MeasurementRow = z.infer<typeof MeasurementRow>;

export const MeasurementRows = z.array(MeasurementRow);

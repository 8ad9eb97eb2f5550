import type { BusinessMode } from "../core/stageSchemas.js";

// The impact score is the mean of three 0-1 factors chosen by the business mode. HYBRID companies
// run on the bootstrap factors until they are profitable or funded.
const FACTORS = {
  VENTURE: ["strategic value", "market size", "defensibility"],
  BOOTSTRAP: ["revenue impact", "time to cash", "margin"],
} as const;

export function impactFactorNames(mode: BusinessMode, profitableOrFunded: boolean): readonly [string, string, string] {
  if (mode === "VENTURE" || (mode === "HYBRID" && profitableOrFunded)) return FACTORS.VENTURE;
  return FACTORS.BOOTSTRAP;
}

export function impactScore(scores: readonly number[]): number {
  if (scores.length === 0) return 0;
  const mean = scores.reduce((sum, score) => sum + score, 0) / scores.length;
  return Math.round(mean * 100) / 100;
}

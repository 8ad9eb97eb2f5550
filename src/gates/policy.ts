// The approval policy for a stage's draft, in one place: code, never read from the event or the
// draft's prose. A stage waits for a person when its skill gates it always, or gates it on impact and
// the drafted impact score reaches the workspace's threshold.

export function stageNeedsPerson(gates: readonly string[], impact: number | null, threshold: number): boolean {
  return gates.includes("always") || (gates.includes("impact") && impact !== null && impact >= threshold);
}

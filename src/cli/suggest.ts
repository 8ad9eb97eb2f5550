import type { Command } from "commander";

// A mistyped option that commander does not check itself (event takes text that may start with a
// dash, so it lets unknown options through) gets the same "did you mean" commander gives the others.

/** The optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours. */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The long option of `command` (or of the program around it) nearest to `flag`, if one is near enough to be a typo of it. */
export function similarOption(command: Command, flag: string): string | undefined {
  const name = flag.replace(/=.*$/, "").replace(/^-+/, "");
  const candidates: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) {
    for (const option of current.options) if (option.long) candidates.push(option.long);
  }
  let nearest: { flag: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const apart = distance(name, candidate.replace(/^-+/, ""));
    // As commander counts it: at most 3 edits, and more than 40% of the longer word left as it was.
    if (
      apart <= 3 &&
      apart < Math.max(name.length, candidate.length - 2) * 0.6 &&
      (!nearest || apart < nearest.distance)
    )
      nearest = { flag: candidate, distance: apart };
  }
  return nearest?.flag;
}

// Shared arithmetic and layout of the benchmarks' reports.

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A markdown table of each entry's median time and its ratio to the baseline. */
export function ratioTable(
  entries: ReadonlyArray<{ name: string; ms: number; extra?: string }>,
  baseline: number,
  baselineName: string,
  extraHeading?: string,
): string {
  const head = `| command | median | x ${baselineName} |${extraHeading ? ` ${extraHeading} |` : ""}`;
  const rule = `|---|---:|---:|${extraHeading ? "---:|" : ""}`;
  const rows = entries.map(
    (entry) =>
      `| ${entry.name} | ${entry.ms.toFixed(0)} ms | ${(entry.ms / baseline).toFixed(2)} |${extraHeading ? ` ${entry.extra ?? ""} |` : ""}`,
  );
  return [head, rule, ...rows].join("\n");
}

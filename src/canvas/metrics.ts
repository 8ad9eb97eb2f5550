// 13-metrics.md keeps a markdown table `| Metric | Current | Target | Trend |`. Updates rewrite only
// the Current cell of the named row, keeping its padding and every other byte of the file.

function rowIndex(lines: readonly string[], metric: string): number {
  const wanted = metric.trim().toLowerCase();
  return lines.findIndex((line) => {
    const cells = line.replace(/\r$/, "").split("|");
    return line.trimStart().startsWith("|") && cells.length > 3 && cells[1]!.trim().toLowerCase() === wanted;
  });
}

/** The Current value of a metric row, or null when the table has no such row. */
export function readMetric(text: string, metric: string): string | null {
  const lines = text.split("\n");
  const index = rowIndex(lines, metric);
  return index < 0 ? null : lines[index]!.replace(/\r$/, "").split("|")[2]!.trim();
}

export function setMetric(text: string, metric: string, value: string): string {
  const lines = text.split("\n");
  const index = rowIndex(lines, metric);
  if (index < 0) throw new Error(`13-metrics.md has no row "${metric}"`);
  const line = lines[index]!;
  const cr = line.endsWith("\r") ? "\r" : "";
  const cells = line.replace(/\r$/, "").split("|");
  const cell = cells[2]!;
  const lead = /^\s*/.exec(cell)![0];
  const trail = /\s*$/.exec(cell)![0];
  cells[2] = `${lead}${value}${trail}`;
  lines[index] = `${cells.join("|")}${cr}`;
  return lines.join("\n");
}

const UNITS: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9 };

/** "$3.66M" -> 3660000; null when the text is not an amount of money. */
export function parseMoney(text: string): number | null {
  const match = /^\$\s?(\d[\d,]*(?:\.\d+)?)\s?([KMB])?\b/i.exec(text.trim());
  if (!match) return null;
  return Number(match[1]!.replace(/,/g, "")) * (UNITS[(match[2] ?? "").toUpperCase()] ?? 1);
}

/** Money written the way the metrics table writes it: $4.76M, $950K. */
export function formatMoney(value: number): string {
  if (value >= 1e6) return `$${(value / 1e6).toFixed(2).replace(/\.?0+$/, "")}M`;
  if (value >= 1e3) return `$${Math.round(value / 1e3)}K`;
  return `$${Math.round(value)}`;
}

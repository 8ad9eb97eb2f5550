/** The date `days` after a YYYY-MM-DD date, as YYYY-MM-DD (UTC, so no time zone shifts a day). */
export function addDays(date: string, days: number): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

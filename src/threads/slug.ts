const STOP_WORDS = new Set(["a", "an", "the", "of", "for", "and", "to", "in", "on", "at", "with", "by", "from"]);

/** A short, readable folder name from an event title: `Acme deal closed: $40K` -> `acme-deal-closed`. */
export function slugify(title: string, maxWords = 6): string {
  const words = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word));
  const slug = words.slice(0, maxWords).join("-").slice(0, 60).replace(/-+$/, "");
  return slug.length > 0 ? slug : "event";
}

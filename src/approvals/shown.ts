import { writeJsonAtomically } from "../files/atomic.js";
import { quickCheck, quickOrZod } from "../files/quickCheck.js";
import { validateShownRecord } from "../validators/read.generated.js";
import type { ShownQuestion, ShownRecord } from "./shownSchema.js";
import { readText } from "../files/readText.js";
import type { PendingItem } from "../core/threadMeta.js";

// What a person was shown: for each thread, the ids of the questions (LangGraph's interrupt ids)
// that `leanos pending`, `status THREAD` or `chat` last put in front of them. An answer given
// without naming its question (`leanos approve THREAD`) is given only to a question its person has
// seen: a question that came up meanwhile (another process answered the one they saw) is shown and
// confirmed first, never answered blind (src/cli/confirm.ts).
//
// The record is a convenience, never a source of truth: a missing, unreadable or stale file only
// means that the next answer asks which question is meant. So a write that fails (a read-only
// workspace) is reported and ignored, and two processes writing at once may lose one's record,
// which again only makes the next answer ask.

/** Where the record lives, under the workspace's (or, through a server, the user's) folder. */
export const SHOWN_FILE = ".leanos/shown.json";

/** Enough for every thread a person could have open; the oldest go first beyond it. */
const MAX_ENTRIES = 1000;

export type { ShownQuestion, ShownRecord } from "./shownSchema.js";

/** Whose record, and of which threads: the folder holding `.leanos/`, the person, and the server if any. */
export interface ShownPlace {
  root: string;
  by: string;
  server?: string;
}

/** What a listing covered: every thread that waits (`pending`), or only these threads. */
export type ShownScope = { all: true } | { threads: readonly string[] };

const samePlace = (entry: ShownQuestion, place: ShownPlace): boolean => (entry.server ?? "") === (place.server ?? "");
const EMPTY: ShownRecord = { version: 1, shown: [] };

/** The record as it is on disk; empty when there is none or it cannot be read (the next answer then asks). */
export async function readShown(root: string): Promise<ShownRecord> {
  try {
    const raw = JSON.parse(await readText(root, SHOWN_FILE)) as unknown;
    // What the generated validator cannot vouch for, zod settles (and strips what it does not know).
    const parsed = await quickOrZod(
      quickCheck<ShownRecord>(raw, validateShownRecord),
      raw,
      async () => (await import("./shownSchema.js")).ShownRecord,
    );
    return parsed.success ? parsed.data : EMPTY;
  } catch {
    return EMPTY;
  }
}

/** The questions last shown to this person on this thread, if any were. */
export async function lastShown(place: ShownPlace, thread: string): Promise<ShownQuestion | undefined> {
  return (await readShown(place.root)).shown.find(
    (entry) => samePlace(entry, place) && entry.by === place.by && entry.thread === thread,
  );
}

/**
 * The record once `items` were shown to the place's person. A thread the listing covered is set to
 * the ids listed on it, keeping when they were first shown if they are the same questions; one it
 * covered where nothing waits any more is dropped, for every person (nobody can answer it blind).
 */
export function withShown(
  record: ShownRecord,
  place: ShownPlace,
  items: readonly PendingItem[],
  scope: ShownScope,
  now: Date,
): ShownRecord {
  const listed = new Map<string, string[]>();
  for (const item of items) {
    if (item.id === undefined) continue;
    listed.set(item.thread, [...(listed.get(item.thread) ?? []), item.id]);
  }
  const waiting = new Set(items.map((item) => item.thread));
  const covered = (thread: string): boolean => ("all" in scope ? true : scope.threads.includes(thread));
  const kept = record.shown.filter((entry) => {
    if (!samePlace(entry, place) || !covered(entry.thread)) return true;
    // This person's entry is replaced by what they were shown now.
    return waiting.has(entry.thread) && entry.by !== place.by;
  });
  const before = new Map(
    record.shown
      .filter((entry) => samePlace(entry, place) && entry.by === place.by)
      .map((entry) => [entry.thread, entry]),
  );
  const added = [...listed].map(([thread, ids]): ShownQuestion => {
    const earlier = before.get(thread);
    const at = earlier && JSON.stringify(earlier.ids) === JSON.stringify(ids) ? earlier.at : now.toISOString();
    return { thread, ids, by: place.by, at, ...(place.server ? { server: place.server } : {}) };
  });
  // In one order whatever the order of listing, so the same questions shown again write nothing; and
  // bounded: the questions shown longest ago go first (ISO times sort as text).
  const key = (entry: ShownQuestion): string => [entry.at, entry.server ?? "", entry.by, entry.thread].join("\u0000");
  const shown = [...kept, ...added]
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .slice(-MAX_ENTRIES);
  return { version: 1, shown };
}

/**
 * Records that `items` were shown. Writes only when the record changes, so listing the same
 * questions again writes nothing. Throws when the file cannot be written; callers report that and
 * go on (see recordShownQuietly in src/cli/session.ts).
 */
export async function recordShown(
  place: ShownPlace,
  items: readonly PendingItem[],
  scope: ShownScope,
  now: Date,
): Promise<void> {
  const record = await readShown(place.root);
  const next = withShown(record, place, items, scope, now);
  if (JSON.stringify(next) === JSON.stringify(record)) return;
  await writeJsonAtomically(place.root, SHOWN_FILE, next);
}

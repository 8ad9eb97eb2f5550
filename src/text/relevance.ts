import { statSync } from "node:fs";
import { join } from "node:path";
import MiniSearch from "minisearch";
import type { Assumption } from "../canvas/assumptions.js";
import { icpFiles, readIcps, type IcpFile } from "./icps.js";
import { frozenList, remembered } from "./remembered.js";

// Text similarity for the offline drafter: BM25 ranking (minisearch) of canvas assumptions and ICP
// segments against the words of an event.

const STOP_WORDS = new Set(
  "a an and are as at be by for from has have in is it its of on or our that the their this to was we were will with after before than vs per into over under out about more most".split(
    " ",
  ),
);

export function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  if (lower.length < 3 || STOP_WORDS.has(lower) || /^\d+$/.test(lower)) return null;
  // A light stem so "returns"/"return" and "brands"/"brand" meet.
  return lower.replace(/(ies)$/, "y").replace(/(?<=[a-z]{3})(es|s)$/, "");
}

// Hyphenated words (white-label, try-on) stay one term.
export const tokenize = (text: string): string[] =>
  text.split(/[^\p{L}\p{N}-]+/u).map((token) => token.replace(/^-+|-+$/g, ""));

// A headline match adds up to a fifth of a point: it breaks a near tie between the claims the body
// matches, and no more. Tried on the dev set (2026-12-06): at 0.3 or 0.5 a headline word overruled
// the body on the sample's events.
const HEADLINE_WEIGHT = 0.2;

export interface RankedAssumption {
  assumption: Assumption;
  score: number;
  terms: string[];
}

// One search index per list of assumptions: a canvas is read once per runtime and every stage of
// every event ranks against the same list.
const assumptionIndexes = new WeakMap<
  readonly Assumption[],
  MiniSearch<{ id: string; title: string; hypothesis: string }>
>();

function assumptionIndex(
  assumptions: readonly Assumption[],
): MiniSearch<{ id: string; title: string; hypothesis: string }> {
  let index = assumptionIndexes.get(assumptions);
  if (!index) {
    index = new MiniSearch<{ id: string; title: string; hypothesis: string }>({
      fields: ["title", "hypothesis"],
      processTerm,
      tokenize,
      searchOptions: { boost: { title: 2 }, combineWith: "OR", prefix: false, fuzzy: false },
    });
    index.addAll(
      assumptions.map((assumption) => ({
        id: assumption.id,
        title: assumption.title,
        hypothesis: assumption.hypothesis,
      })),
    );
    assumptionIndexes.set(assumptions, index);
  }
  return index;
}

/** Canvas assumptions by relevance to an event's text; its headline (subject or title line), when given, counts again on its own. */
export function rankAssumptions(
  assumptions: readonly Assumption[],
  eventText: string,
  headline = "",
): RankedAssumption[] {
  let ranked = rankings.get(assumptions);
  if (!ranked) {
    const index = assumptionIndex(assumptions);
    ranked = remembered(32, (key) => {
      const split = key.indexOf("\u0000");
      return frozenList(ranking(assumptions, index, key.slice(split + 1), key.slice(0, split)));
    });
    rankings.set(assumptions, ranked);
  }
  return ranked(`${headline}\u0000${eventText}`);
}

// The hypothesis stage and its confidence rank the same event against the same list.
const rankings = new WeakMap<readonly Assumption[], (key: string) => RankedAssumption[]>();

function ranking(
  assumptions: readonly Assumption[],
  index: MiniSearch<{ id: string; title: string; hypothesis: string }>,
  eventText: string,
  headline: string,
): RankedAssumption[] {
  const byId = new Map(assumptions.map((assumption) => [assumption.id, assumption]));
  const results = index.search(eventText);
  const best = results[0]?.score ?? 1;
  const eventTerms = termsOf(eventText);
  // The headline names what the event is about.
  const headlineScores = new Map(
    headline ? index.search(headline).map((result) => [String(result.id), result.score]) : [],
  );
  const bestHeadline = Math.max(1e-9, ...headlineScores.values());
  // BM25 alone favours long hypotheses that share many generic words with a long event; the
  // share of the title's words found in the event keeps the claim itself in front.
  return results
    .map((result) => {
      const assumption = byId.get(String(result.id))!;
      const titleTerms = [...termsOf(assumption.title)];
      const coverage =
        titleTerms.length > 0 ? titleTerms.filter((term) => eventTerms.has(term)).length / titleTerms.length : 0;
      const headlineScore = HEADLINE_WEIGHT * ((headlineScores.get(String(result.id)) ?? 0) / bestHeadline);
      return {
        assumption,
        score: Math.round((result.score / best + coverage + headlineScore) * 1000) / 1000,
        terms: result.terms,
      };
    })
    .sort((a, b) => b.score - a.score || a.assumption.id.localeCompare(b.assumption.id));
}

export interface SegmentMatch {
  segment: string;
  acv: number | null;
  score: number;
}

interface SegmentIndex {
  icps: IcpFile[];
  /** The best match of a text (each stage asks again for the same event). */
  bestFor: (text: string) => { id: unknown; score: number } | undefined;
}

// The ICP files, parsed and indexed once for as long as none of them changes (a long-running server
// or schedule sees an edit at its next event): every stage of every event matches against them.
const segmentIndexes = new Map<string, { signature: string; built: SegmentIndex }>();

function segmentIndex(workspaceRoot: string): SegmentIndex {
  const signature = icpFiles(workspaceRoot)
    .map((path) => {
      const stat = statSync(join(workspaceRoot, path));
      return `${path}:${stat.size}:${stat.mtimeMs}`;
    })
    .join("|");
  const cached = segmentIndexes.get(workspaceRoot);
  if (cached?.signature === signature) return cached.built;
  const icps = readIcps(workspaceRoot);
  const index = new MiniSearch<{ id: string; name: string; text: string }>({
    fields: ["name", "text"],
    processTerm,
    tokenize,
    searchOptions: { boost: { name: 3 }, combineWith: "OR" },
  });
  index.addAll(
    icps.map((icp) => ({
      id: icp.segment,
      name: icp.segment.replace(/-/g, " "),
      text: [
        icp.description ?? "",
        ...(icp.criteria ?? []).flatMap((criterion) => [criterion.name ?? "", ...(criterion.signals ?? [])]),
      ].join(" "),
    })),
  );
  const built = { icps, bestFor: remembered(32, (text) => index.search(text)[0]) };
  segmentIndexes.set(workspaceRoot, { signature, built });
  return built;
}

/**
 * The ICP segment an event is about, with its typical deal in the workspace's currency `home`. A
 * deal size the ICP gives in another currency is left out (null), never converted: leanos has no
 * exchange rates (see money.ts).
 */
export function matchSegment(workspaceRoot: string, eventText: string, home = "USD"): SegmentMatch | null {
  const built = segmentIndex(workspaceRoot);
  const { icps } = built;
  if (icps.length === 0) return null;
  const best = built.bestFor(eventText);
  if (!best) return null;
  const icp = icps.find((candidate) => candidate.segment === best.id)!;
  const acv = icp[`typical_acv_${home.toLowerCase()}`] ?? icp.typical_acv;
  return { segment: icp.segment, acv: typeof acv === "number" ? acv : null, score: best.score };
}

export function termsOf(text: string): Set<string> {
  return new Set(
    tokenize(text)
      .map(processTerm)
      .filter((term): term is string => term !== null),
  );
}

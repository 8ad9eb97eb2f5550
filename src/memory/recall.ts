import type { BaseStore } from "@langchain/langgraph";
import MiniSearch from "minisearch";
import { processTerm, tokenize } from "../text/relevance.js";
import { EXAMPLES, Example, RULES } from "./examples.js";
import { Rule } from "./rules.js";

// What a drafter is reminded of before it reads an event (issue 27): the examples of this workspace
// nearest to the event, each with how close it is, the latest examples whatever their words, and the
// rules people confirmed. Recalled where a draft is made, from the workspace's own store, never from
// a thread's state, so no client can hand a drafter examples of its own.

/** An example with its id and how close its event is to the one being read (0..1, cosine of weighted words). */
export interface RecalledExample {
  id: string;
  example: Example;
  similarity: number;
}

export interface Lessons {
  /** The examples whose events share most with this one, closest first (at most NEAREST). */
  nearest: RecalledExample[];
  /** The latest examples, newest first (at most RECENT): a pattern of corrections shows in them. */
  recent: RecalledExample[];
  /** Every rule a person confirmed, oldest first. */
  rules: Array<{ id: string; rule: Rule }>;
}

export const NO_LESSONS: Lessons = { nearest: [], recent: [], rules: [] };

const NEAREST = 3;
const RECENT = 50;
const PAGE = 100;

const wordsOf = (text: string): string[] => tokenize(text).flatMap((token) => processTerm(token) ?? []);

async function allOf(memory: BaseStore, namespace: string[]) {
  const items = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await memory.search(namespace, { limit: PAGE, offset });
    items.push(...page);
    if (page.length < PAGE) return items;
  }
}

/**
 * The lessons for an event: `exclude` is the LangGraph id of the thread being drafted, whose own
 * example (kept once a person judged it) must not teach its redraft.
 */
export async function recallLessons(memory: BaseStore, eventText: string, exclude?: string): Promise<Lessons> {
  const examples = (await allOf(memory, EXAMPLES)).flatMap((item) => {
    const parsed = Example.safeParse(item.value);
    return parsed.success && item.key !== exclude ? [{ id: item.key, example: parsed.data }] : [];
  });
  const rules = (await allOf(memory, RULES))
    .flatMap((item) => {
      const parsed = Rule.safeParse(item.value);
      return parsed.success ? [{ id: item.key, rule: parsed.data }] : [];
    })
    .sort((a, b) => a.rule.at.localeCompare(b.rule.at) || a.id.localeCompare(b.id));
  if (examples.length === 0) return { nearest: [], recent: [], rules };
  const closeness = similarities(
    eventText,
    examples.map((entry) => ({ id: entry.id, text: entry.example.event })),
  );
  const scored = examples.map((entry) => ({ ...entry, similarity: closeness.get(entry.id) ?? 0 }));
  const nearest = scored
    .filter((entry) => entry.similarity > 0)
    .sort((a, b) => b.similarity - a.similarity || b.example.at.localeCompare(a.example.at))
    .slice(0, NEAREST);
  const recent = [...scored]
    .sort((a, b) => b.example.at.localeCompare(a.example.at) || a.id.localeCompare(b.id))
    .slice(0, RECENT);
  return { nearest, recent, rules };
}

/**
 * How close each document is to the query: minisearch (BM25) finds the candidates, and the cosine of
 * their words weighted by rarity among the documents (tf-idf) says how close, on a scale a threshold
 * can be set on (BM25's scores grow with the query's length).
 */
export function similarities(
  query: string,
  documents: ReadonlyArray<{ id: string; text: string }>,
): Map<string, number> {
  const index = new MiniSearch<{ id: string; text: string }>({
    fields: ["text"],
    processTerm,
    tokenize,
    searchOptions: { combineWith: "OR", prefix: false, fuzzy: false },
  });
  index.addAll(documents.map((document) => ({ id: document.id, text: document.text })));
  const candidates = new Set(
    index
      .search(query)
      .slice(0, 20)
      .map((result) => String(result.id)),
  );
  const words = new Map(documents.map((document) => [document.id, wordsOf(document.text)]));
  const queryWords = wordsOf(query);
  const frequency = new Map<string, number>();
  for (const list of [...words.values(), queryWords])
    for (const word of new Set(list)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const count = documents.length + 1;
  const vector = (list: readonly string[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const word of list) counts.set(word, (counts.get(word) ?? 0) + 1);
    return new Map(
      [...counts].map(([word, times]) => [word, (1 + Math.log(times)) * Math.log(1 + count / frequency.get(word)!)]),
    );
  };
  const queryVector = vector(queryWords);
  const norm = (weights: Map<string, number>): number =>
    Math.sqrt([...weights.values()].reduce((sum, weight) => sum + weight * weight, 0));
  const queryNorm = norm(queryVector);
  const result = new Map<string, number>();
  for (const id of candidates) {
    const documentVector = vector(words.get(id)!);
    let dot = 0;
    for (const [word, weight] of queryVector) dot += weight * (documentVector.get(word) ?? 0);
    const denominator = queryNorm * norm(documentVector);
    result.set(id, denominator > 0 ? Math.round((dot / denominator) * 1000) / 1000 : 0);
  }
  return result;
}

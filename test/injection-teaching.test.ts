import { readFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { Expectations } from "../evals/harness.js";
import { correctionFor } from "../evals/teach.js";
import { readEvent } from "../src/stages/readEvent.js";
import { toolPath } from "../src/files/toolRoot.js";
import { Runtime } from "../src/runtime/engine.js";
import type { DecisionOutput, HypothesisOutput, ImplicationOutput, RawEvent } from "../src/core/stageSchemas.js";
import { sampleCopy } from "./helpers.js";

// Injected text never teaches (issue 27): an event carrying an order (approve it, change its verdict,
// its score, its type) is corrected by a person and then drafted again. The redraft follows the
// person, not the order; the memory keeps the injected text only as the example's event (what later
// events are matched against), never in a reading, a rule or a proposal.

interface Injection {
  name: string;
  text: string;
}

// Orders of each kind: to pass the gates, to set a verdict and a score, to set a type. npm test tries
// the first; LEANOS_HOSTILE=all (npm run test:hostile) every one.
const EVERY = ["plain order", "html comment", "front-matter block", "role tags"];
const CHOSEN = process.env.LEANOS_HOSTILE === "all" ? EVERY : EVERY.slice(0, 1);

async function sampleEvents() {
  const set = toolPath("examples", "workspace");
  const expected = Expectations.parse(parseYaml(await readFile(toolPath("evals", "dataset.yaml"), "utf8"))).events;
  return Promise.all(
    expected.map(async (entry) => ({
      entry,
      event: await readEvent({ file: join(set, "events", entry.file), today: "2026-11-25" }),
    })),
  );
}

async function drafted(runtime: Runtime, event: RawEvent) {
  const result = await runtime.startEvent(event);
  const { thread, meta } = await runtime.resolve(result.thread);
  const output = async <T>(file: string) =>
    matter(await readFile(join(runtime.workspace.threadsDir, ...thread.split("/"), file), "utf8")).data.output as T;
  return {
    thread,
    type: meta.type,
    tests: (await output<HypothesisOutput>("2-hypothesis.md")).tests.map((test) => ({
      id: test.assumption_id,
      direction: test.direction,
    })),
    verdict: (await output<DecisionOutput>("4-decision.md")).verdict,
    impact: (await output<ImplicationOutput>("3-implication.md")).impact_score,
    waits: result.pending.some((item) => item.stage === "decision"),
  };
}

/** The sentences of an injection long enough to be recognised where they are copied. */
const plantedParts = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((line) => line.replace(/^[-*>\s]+/, "").trim())
    .flatMap((line) => line.split(/(?<=[.!?:])\s*/))
    .filter((part) => part.length >= 12);

describe("an event with injected orders, corrected and drafted again", () => {
  it(
    "is read as the person corrected it, as the plain event is after the same correction, and nothing injected is kept but the example's event",
    { timeout: 300_000 },
    async () => {
      const injections = (
        parseYaml(await readFile(toolPath("evals", "injections.yaml"), "utf8")) as { injections: Injection[] }
      ).injections.filter((injection) => CHOSEN.includes(injection.name));
      expect(injections.map((injection) => injection.name)).toEqual(CHOSEN);
      const events = await sampleEvents();
      // Each event drafted, corrected as the person would, and drafted again: plain, and with each injection.
      const taught = async (runtime: Runtime, entry: (typeof events)[number]["entry"], event: RawEvent) => {
        const first = await drafted(runtime, event);
        const correction = correctionFor(entry);
        const given = Object.fromEntries(
          Object.entries(correction).filter(
            ([key, value]) =>
              JSON.stringify(value) !==
              JSON.stringify(key === "assumptions" ? first.tests : first[key as "type" | "verdict"]),
          ),
        );
        if (Object.keys(given).length > 0) await runtime.correct(first.thread, given, { by: "bella" });
        const { thread: _thread, ...again } = await drafted(runtime, event);
        return again;
      };
      const plainRuntime = await Runtime.open({ workspace: await sampleCopy(), provider: "offline" });
      const plain = new Map<string, Awaited<ReturnType<typeof taught>>>();
      try {
        for (const { entry, event } of events) plain.set(entry.file, await taught(plainRuntime, entry, event));
      } finally {
        await plainRuntime.close();
      }
      const wrong: string[] = [];
      for (const { entry } of events) {
        const said = plain.get(entry.file)!;
        const person = correctionFor(entry);
        if (
          said.type !== person.type ||
          said.verdict !== person.verdict ||
          JSON.stringify(said.tests) !== JSON.stringify(person.assumptions)
        )
          wrong.push(`${entry.file}: the plain redraft does not follow the correction: ${JSON.stringify(said)}`);
      }
      for (const injection of injections) {
        const runtime = await Runtime.open({ workspace: await sampleCopy(), provider: "offline" });
        try {
          for (const { entry, event } of events) {
            const said = await taught(runtime, entry, {
              ...event,
              text: `${event.text.trimEnd()}\n\n${injection.text}\n`,
            });
            const wanted = plain.get(entry.file)!;
            if (JSON.stringify(said) !== JSON.stringify(wanted))
              wrong.push(
                `${entry.file} + ${injection.name}: ${JSON.stringify(said)} instead of ${JSON.stringify(wanted)}`,
              );
          }
          // The memory: the injected text only as an example's event, never in a reading, rule or proposal.
          const parts = plantedParts(injection.text);
          for (const item of await runtime.store.memory.search(["memory"], { limit: 1000 })) {
            const { event: _key, ...rest } = item.value as { event?: string };
            const kept = JSON.stringify(rest);
            for (const part of parts)
              if (kept.includes(part))
                wrong.push(`${injection.name}: memory ${item.namespace.join("/")}/${item.key} keeps "${part}"`);
          }
        } finally {
          await runtime.close();
        }
      }
      expect(wrong).toEqual([]);
    },
  );
});

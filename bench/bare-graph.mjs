// The yardstick of bench/event.ts: a bare LangGraph graph of the same shape as a leanos thread, run
// to its first gate. Six nodes (input .. learning), the decision node interrupts, SqliteSaver keeps
// the checkpoints, and each node writes its stage file and meta.json atomically (temp file, fsync,
// rename), as leanos does. No drafting: each stage's output is a fixed object.
// Usage: node bench/bare-graph.mjs FOLDER
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync } from "node:fs";
import { join } from "node:path";
import { Annotation, END, START, StateGraph, interrupt } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";

const folder = process.argv[2];
if (!folder) throw new Error("usage: node bench/bare-graph.mjs FOLDER");
const thread = join(folder, "threads", "sales", "bench-thread");
mkdirSync(thread, { recursive: true });

function writeAtomically(path, text) {
  const temp = `${path}.tmp-${process.pid}`;
  const handle = openSync(temp, "w");
  writeSync(handle, text);
  fsyncSync(handle);
  closeSync(handle);
  renameSync(temp, path);
}

const State = Annotation.Root({
  outputs: Annotation({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
});
const STAGES = ["input", "hypothesis", "implication", "decision", "actions", "learning"];

function node(stage, index) {
  return async () => {
    if (stage === "decision") interrupt({ question: "Approve the decision?" });
    const output = { stage, summary: `The ${stage} of the bench thread.` };
    writeAtomically(
      join(thread, `${index + 1}-${stage}.md`),
      `---\n${JSON.stringify({ output })}\n---\n\n${output.summary}\n`,
    );
    writeAtomically(join(thread, "meta.json"), JSON.stringify({ thread: "sales/bench-thread", stage }));
    return { outputs: { [stage]: output } };
  };
}

let builder = new StateGraph(State);
STAGES.forEach((stage, index) => {
  builder = builder.addNode(stage, node(stage, index));
});
builder = builder.addEdge(START, "input");
STAGES.slice(1).forEach((stage, index) => {
  builder = builder.addEdge(STAGES[index], stage);
});
builder = builder.addEdge("learning", END);
const checkpointer = SqliteSaver.fromConnString(join(folder, "checkpoints.sqlite"));
const graph = builder.compile({ checkpointer });
await graph.invoke({}, { configurable: { thread_id: "bench-thread" } });
checkpointer.db.close();

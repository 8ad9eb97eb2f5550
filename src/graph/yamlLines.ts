import { LineCounter, parseDocument, isNode } from "yaml";
import { FileProblem, UsageError } from "../errors.js";

/** A YAML file parsed with its line numbers: `fail` refuses it naming the line of a path. */
export function yamlWithLines(file: string, text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line ?? 1;
    throw new FileProblem(
      file,
      `not valid YAML (${first.message.split("\n")[0]!.replace(/\s*at line \d+, column \d+:?\s*$/, "")})`,
      line,
    );
  }
  const lineOf = (path: ReadonlyArray<PropertyKey>): number => {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = doc.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  const fail = (path: ReadonlyArray<PropertyKey>, message: string): never => {
    throw new UsageError(`${file}:${lineOf(path)}: ${message}`);
  };
  return { doc, lineOf, fail };
}

/** The keys of a graph node whose lines a check may name; "" is the node itself. */
export const NODE_KEYS = ["", "skill", "gate", "next", "uses"] as const;
export type NodeKey = (typeof NODE_KEYS)[number];

/** A graph file's value, and the line of each node and of its keys (by NODE_KEYS), for its checks. */
export interface GraphYaml {
  raw: unknown;
  lines: Array<Record<NodeKey, number>>;
}

export function graphYaml(file: string, text: string): GraphYaml {
  const { doc, lineOf } = yamlWithLines(file, text);
  const raw = doc.toJS() as unknown;
  const nodes = (raw as { nodes?: unknown } | null)?.nodes;
  const lines = (Array.isArray(nodes) ? nodes : []).map(
    (_, index) =>
      Object.fromEntries(
        NODE_KEYS.map((key) => [key, lineOf(key ? ["nodes", index, key] : ["nodes", index])]),
      ) as GraphYaml["lines"][number],
  );
  return { raw, lines };
}

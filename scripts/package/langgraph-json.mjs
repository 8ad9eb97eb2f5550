// Writes dist/langgraph.json: the served graph's LangGraph configuration for the built package.
// The repository's langgraph.json names the TypeScript sources (./src/server/graph.ts:graph), which
// `langgraphjs dev` runs in a clone and reloads as they change. An installed package ships dist/ and
// not src/, so its copy names the built modules instead (./server/graph.js:graph, relative to dist/,
// where LangGraph resolves them from). Everything else (the auth hook's settings, CORS) is the
// repository's file as it is, so the two never differ in what they allow.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const config = JSON.parse(await readFile(join(root, "langgraph.json"), "utf8"));

/** `./src/server/graph.ts:graph` as `./server/graph.js:graph`; anything else is a mistake in langgraph.json. */
function built(spec) {
  const match = /^\.\/src\/(.+)\.ts(:[A-Za-z_$][\w$]*)?$/.exec(spec);
  if (!match)
    throw new Error(
      `langgraph.json: "${spec}" does not name a module under ./src/ (./src/PATH.ts:EXPORT), so dist/langgraph.json cannot name its build`,
    );
  return `./${match[1]}.js${match[2] ?? ""}`;
}

const served = {
  ...config,
  graphs: Object.fromEntries(Object.entries(config.graphs).map(([id, spec]) => [id, built(spec)])),
  ...(config.auth ? { auth: { ...config.auth, path: built(config.auth.path) } } : {}),
};
await writeFile(join(root, "dist", "langgraph.json"), `${JSON.stringify(served, null, 2)}\n`);

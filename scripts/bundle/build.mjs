// Bundles the compiled CLI (dist/cli/main.js) into dist/bin/, which bin/leanos.js runs. A command
// then loads a few files instead of hundreds: commander, zod and yaml come in as parts of chunks, and
// every lazy import stays a chunk of its own, loaded only by the commands that need it.
//
// Left outside the bundle, loaded from node_modules as they are:
// - better-sqlite3 and pg: native or optional code;
// - compromise: loaded through createRequire as its one-file build (src/text/nlp.ts);
// - LangChain and LangGraph: provider packages are found by name at run time and must share one
//   copy of @langchain/core with the rest.
//
// The chunks sit directly in dist/bin/, two folders below the package root, as dist/files/ does:
// src/files/toolRoot.ts finds skills/, prompts/ and graphs/ from there.
import { createHash } from "node:crypto";
import { copyFile, cp, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

/** zod's namespace of every language's messages, answered with English alone (zod-locales.mjs). */
const englishOnlyZod = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: join(here, "zod-locales.mjs") } : undefined,
    );
  },
};
// The read path's generated validators (scripts/validators/build.mjs) stay a file of their own,
// minified as generated, beside the bundle's folder: bundled, esbuild would print them out again at
// nearly twice the size for every command to compile.
const generatedValidators = {
  name: "generated-validators",
  setup(build) {
    build.onResolve({ filter: /[\\/]validators[\\/]read\.generated\.js$/ }, () => ({
      path: "../validators/read.generated.js",
      external: true,
    }));
  },
};
// Fault injection lives only in test builds: the compiled kill points become no-ops in dist/ (which
// the package ships and the production bundle is made from), and the tests' bundle in dist-test/
// takes the TypeScript source of the real ones.
await copyFile(join(here, "faultsOff.mjs"), join(root, "dist", "files", "crashPoints.js"));
await rm(join(root, "dist", "files", "crashPoints.js.map"), { force: true });
const withFaults = {
  name: "with-faults",
  setup(build) {
    build.onResolve({ filter: /[\\/]crashPoints\.js$/ }, () => ({
      path: join(root, "src", "files", "crashPoints.ts"),
    }));
  },
};

// The parse cache's entries (src/files/parseCache.ts) are named by what decides a parsed value: the
// YAML parsers' versions and the sources of leanos's own reading. Another of either is another cache.
const parserSources = [
  "node_modules/yaml/package.json",
  "node_modules/gray-matter/package.json",
  "src/files/parseCache.ts",
  "src/files/cachedReads.ts",
  "src/files/parsed.ts",
  "src/files/frontMatter.ts",
  "src/graph/yamlLines.ts",
];
const parserHash = createHash("sha256");
for (const file of parserSources) parserHash.update(`${file}\0`).update(await readFile(join(root, file)));
const parserId = parserHash.digest("hex").slice(0, 32);

/** The CLI bundled into `outdir`, with `plugins`; its metafile is returned. */
async function bundle(outdir, plugins) {
  // Chunk names carry a hash of their content: without a clean start, old ones would pile up.
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, "dist", "cli", "main.js")],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    plugins,
    define: { LEANOS_PARSER_ID: JSON.stringify(parserId) },
    external: [
      "better-sqlite3",
      "pg",
      "pg-native",
      "compromise",
      "@langchain/*",
      "langchain",
      "langchain/*",
      "langsmith",
      "langsmith/*",
    ],
    // Bundled CommonJS packages call require() for Node's own modules; an ES module has none of its own.
    banner: {
      js: 'import { createRequire as createRequireOfBundle } from "node:module"; const require = createRequireOfBundle(import.meta.url);',
    },
  });
  return result.metafile;
}

const outdir = join(root, "dist", "bin");
const metafile = await bundle(outdir, [englishOnlyZod, generatedValidators]);
// Which source files each chunk holds: the start-up test reads it to tell what a command loaded.
await writeFile(join(outdir, "meta.json"), JSON.stringify(metafile));
// The tests' build sits as many folders below the package root, so it finds skills/ and prompts/ alike.
await bundle(join(root, "dist-test", "bin"), [englishOnlyZod, generatedValidators, withFaults]);
await cp(join(root, "dist", "validators"), join(root, "dist-test", "validators"), { recursive: true });

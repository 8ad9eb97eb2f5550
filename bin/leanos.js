#!/usr/bin/env node
// The published entry point: the compiled CLI, bundled into dist/bin/ (npm run build; scripts/bundle/build.mjs).
// With LEANOS_DEBUG=1 a stack names the TypeScript sources (src/...), through the bundle's source maps.
if (process.env.LEANOS_DEBUG === "1") process.setSourceMapsEnabled(true);
const { main } = await import("../dist/bin/main.js");

process.exitCode = await main(process.argv);

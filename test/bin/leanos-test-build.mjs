#!/usr/bin/env node
// The CLI as the tests that kill it run it: the test build (dist-test/, npm run build), which alone
// holds the kill points and faults of src/files/crashPoints.ts. bin/leanos.js runs the production build.
const { main } = await import("../../dist-test/bin/main.js");

process.exitCode = await main(process.argv);

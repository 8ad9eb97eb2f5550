// `npm test` after the build: the type check of src, tests, evals and benches (tsconfig.check.json)
// runs beside vitest instead of before it, so its 10 seconds or so of CPU fill the moments the test
// workers wait (for a CLI process, a server's queue). Its report is printed after vitest's, and the
// command fails when either does. Arguments go to vitest (`npm test -- --reporter=json ...`).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
/** A package's command, as its package.json's bin names it (vitest exports no path to it). */
const binOf = (name, command = name) => {
  const manifest = require.resolve(`${name}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, "utf8"));
  return join(dirname(manifest), typeof bin === "string" ? bin : bin[command]);
};

/** Runs a Node program; resolves with its exit code (and its output, when it is kept). */
function run(script, args, keepOutput) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: keepOutput ? "pipe" : "inherit" });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

const typecheck = run(binOf("typescript", "tsc"), ["-p", "tsconfig.check.json"], true);
const tests = await run(binOf("vitest"), ["run", ...process.argv.slice(2)], false);
const checked = await typecheck;
if (checked.code !== 0)
  process.stderr.write(`\nThe type check (tsc -p tsconfig.check.json) failed:\n${checked.output}`);
else process.stderr.write("The type check (tsc -p tsconfig.check.json) passed.\n");
process.exitCode = tests.code || checked.code;

// Counts the imports of src/ that run back up its floors (scripts/house/layers.yaml), static,
// dynamic and type-only alike, and fails when there are more than the file allows or a folder has
// no floor. `node scripts/house/layers.mjs --list` prints every folder-to-folder arrow.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const src = join(root, "src");
const { layers, max_up: maxUp } = parse(readFileSync(join(root, "scripts", "house", "layers.yaml"), "utf8"));

const files = [];
(function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
})(src);

const floorOf = (file) => {
  const parts = relative(src, file).split(sep);
  return parts.length === 1 ? "(root)" : parts[0];
};
const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g;

const arrows = new Map();
for (const file of files) {
  for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
    const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
    const [from, to] = [floorOf(file), floorOf(target)];
    if (from === to) continue;
    const key = `${from} -> ${to}`;
    arrows.set(key, [...(arrows.get(key) ?? []), `${relative(src, file)} -> ${relative(src, target)}`]);
  }
}

const unknown = [...new Set(files.map(floorOf))].filter((floor) => !layers.includes(floor));
const up = [...arrows].filter(([key]) => {
  const [from, to] = key.split(" -> ");
  return layers.indexOf(to) > layers.indexOf(from);
});
if (process.argv.includes("--list")) for (const [key, imports] of arrows) console.log(`${key} (${imports.length})`);
console.log(`${arrows.size} arrows between ${layers.length} floors; ${up.length} run back up (at most ${maxUp})`);
for (const [key, imports] of up) console.log(`  up: ${key}: ${imports.join(", ")}`);
if (unknown.length > 0) console.log(`folders with no floor in scripts/house/layers.yaml: ${unknown.join(", ")}`);
process.exitCode = up.length > maxUp || unknown.length > 0 ? 1 : 0;

// Validators for the read path, generated at build time from the zod schemas (the one source of
// truth): each schema's JSON Schema (zod's toJSONSchema, as input) compiled by Ajv into standalone
// code that imports nothing. Commands that only read (pending, status) check meta.json, the settings
// and index rows with these, and load zod only for what these cannot vouch for (src/files/quickCheck.ts).
//
// Every object is closed (no properties beyond the schema's): zod drops unknown keys where these
// would keep them, so an object with any goes to zod, and a value these accept is the value zod
// gives. Runs after tsc (it imports the compiled schemas from dist/); writes the code beside its
// declarations in src/validators/ (for the tests, which run the sources) and into dist/validators/.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { transform } from "esbuild";
import standaloneCode from "ajv/dist/standalone/index.js";
import { z } from "zod";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SCHEMAS = [
  { name: "ThreadMeta", module: "core/threadMeta.js" },
  { name: "WorkspaceConfig", module: "workspace/config.js" },
  { name: "IndexRow", module: "store/indexRowSchema.js" },
  { name: "ShownRecord", module: "approvals/shownSchema.js" },
  { name: "AuditEntry", module: "audit/entry.js" },
  { name: "GraphFile", module: "graph/graphFile.js" },
  { name: "SkillFrontMatter", module: "skills/schema.js" },
  { name: "StageSkillMetadata", module: "skills/schema.js" },
  { name: "ActionSkillMetadata", module: "skills/schema.js" },
  { name: "MetricsRows", module: "actions/metricsRow.js" },
  { name: "MeasurementRows", module: "goals/measurementRow.js" },
];

/**
 * Ajv fills no default inside one branch of a union; the readers check those fields themselves
 * (audit/log.ts quickEntry), and any other such default stops the build.
 */
const DEFAULTS_IN_UNIONS = { AuditEntry: ["cache_write_tokens"] };

function defaultsInUnions(schema, inUnion = false, key = "", found = []) {
  if (Array.isArray(schema)) {
    for (const item of schema) defaultsInUnions(item, inUnion, key, found);
    return found;
  }
  if (!schema || typeof schema !== "object") return found;
  if (inUnion && "default" in schema) found.push(key);
  for (const [name, value] of Object.entries(schema)) {
    const union = inUnion || name === "anyOf" || name === "oneOf";
    defaultsInUnions(value, union, name === "properties" || name === "anyOf" || name === "oneOf" ? key : name, found);
  }
  return found;
}

/** zod's types JSON Schema has no word for (zod's toJSONSchema "unrepresentable"). */
const UNSAYABLE = new Set([
  "bigint",
  "symbol",
  "undefined",
  "void",
  "map",
  "set",
  "function",
  "promise",
  "custom",
  "nan",
]);

/**
 * Closes every object schema that leaves extra properties open, through every nested schema; and
 * says a string's length bounds as a pattern, which counts UTF-16 units as zod does (Ajv's own
 * minLength counts code points, through a helper the code would have to import).
 */
function closed(schema) {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== "object") return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]));
  if (copy.type === "object" && copy.properties && copy.additionalProperties === undefined)
    copy.additionalProperties = false;
  if (copy.minLength !== undefined || copy.maxLength !== undefined) {
    const bounds = `^[\\s\\S]{${copy.minLength ?? 0},${copy.maxLength ?? ""}}$`;
    delete copy.minLength;
    delete copy.maxLength;
    copy.allOf = [...(copy.allOf ?? []), { pattern: bounds }];
  }
  return copy;
}

const ajv = new Ajv.default({
  code: { source: true, esm: true, lines: false },
  useDefaults: true,
  // zod's regexes run without the u flag, and count a string's length in UTF-16 units.
  unicodeRegExp: false,
  strict: false,
  logger: false,
});
for (const { name, module } of SCHEMAS) {
  const schema = (await import(join(root, "dist", module)))[name];
  const json = z.toJSONSchema(schema, {
    io: "input",
    target: "draft-07",
    // A date (a YAML timestamp) matches nothing here, so zod takes it; anything else unsayable stops the build.
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      const type = zodSchema._zod.def.type;
      if (type === "date") jsonSchema.not = {};
      else if (UNSAYABLE.has(type)) throw new Error(`${name}: a ${type} cannot be said in JSON Schema`);
    },
  });
  delete json.$schema;
  if (JSON.stringify(json).includes('"allOf"')) throw new Error(`${name}: an intersection cannot be closed`);
  const unchecked = defaultsInUnions(json).filter((field) => !(DEFAULTS_IN_UNIONS[name] ?? []).includes(field));
  if (unchecked.length > 0)
    throw new Error(`${name}: defaults inside a union (${unchecked.join(", ")}) need a check of their own`);
  ajv.addSchema(closed(json), name);
}
const standalone = standaloneCode.default(
  ajv,
  Object.fromEntries(SCHEMAS.map(({ name }) => [`validate${name}`, name])),
);
if (/\brequire\(|^import /m.test(standalone))
  throw new Error("the generated validators import code: keep them standalone");
// Minified: what a command compiles at start-up is a third of Ajv's own layout of it.
const code = (await transform(standalone, { minify: true, format: "esm", target: "node20" })).code;
const header = "// Generated by scripts/validators/build.mjs from the zod schemas; do not edit.\n";
for (const dir of [join(root, "src", "validators"), join(root, "dist", "validators")]) {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "read.generated.js"), header + code);
}

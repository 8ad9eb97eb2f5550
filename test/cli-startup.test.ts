import { spawn, spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { cliPath, repoRoot, runCli, sampleCopy, tempDir, closedDealCopies } from "./helpers.js";

// The command line as a new user meets it: what loads when it starts, where global options may go,
// how event text and files are found, and what `init --git` leaves.

const withClosedDeal = closedDealCopies();

/**
 * The source files a CLI run loads, from a loader hook that lists the files Node loads. The CLI runs
 * as a bundle (scripts/bundle/build.mjs): a chunk of it stands for the sources the build's metafile lists
 * in it; a package left outside the bundle is its own file under node_modules.
 */
async function sourcesLoadedBy(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const dir = await tempDir("leanos-hooks-");
  await writeFile(
    join(dir, "hooks.mjs"),
    "export async function load(url, context, next) { process.stderr.write(`LOADED ${url}\\n`); return next(url, context); }\n",
  );
  await writeFile(
    join(dir, "register.mjs"),
    `import { register } from "node:module";\nregister(${JSON.stringify(`file://${join(dir, "hooks.mjs")}`)});\n`,
  );
  const result = await execa(process.execPath, ["--import", join(dir, "register.mjs"), cliPath, ...args], {
    reject: false,
    env: { ANTHROPIC_API_KEY: "", NO_COLOR: "1", ...env },
  });
  expect(result.exitCode, String(result.stderr)).toBe(0);
  const bundle = join(repoRoot, "dist", "bin");
  const chunks = (
    JSON.parse(await readFile(join(bundle, "meta.json"), "utf8")) as {
      outputs: Record<string, { inputs: Record<string, unknown> }>;
    }
  ).outputs;
  const loaded = String(result.stderr)
    .split("\n")
    .filter((line) => line.startsWith("LOADED file://"))
    .map((line) => fileURLToPath(line.slice("LOADED ".length)));
  expect(
    loaded.some((path) => path.startsWith(bundle)),
    "the CLI runs from its bundle",
  ).toBe(true);
  return loaded.flatMap((path) =>
    path.startsWith(bundle) ? Object.keys(chunks[relative(repoRoot, path)]?.inputs ?? {}) : [path],
  );
}

describe("leanos start-up", () => {
  it("answers --help with commander and its own command definitions only (no zod, no YAML, no LangGraph)", async () => {
    const loaded = await sourcesLoadedBy(["--help"]);
    expect(
      loaded.filter(
        (url) =>
          /node_modules\/(zod|yaml|gray-matter|@langchain|langsmith)\//.test(url) ||
          /^dist\/(runtime|graph|store)\//.test(url),
      ),
    ).toEqual([]);
  });

  // meta.json, the settings, index rows and the shown record are checked by validators generated
  // from the zod schemas at build time (src/files/quickCheck.ts): zod loads only for what they cannot vouch for.
  it("reads pending and status without zod, LangGraph, the checkpointer or the drafter", async () => {
    const workspace = await withClosedDeal();
    for (const command of [["pending"], ["status"], ["status", "elsaai"]]) {
      const loaded = await sourcesLoadedBy(["--workspace", workspace, ...command]);
      expect(
        loaded.filter(
          (url) =>
            /node_modules\/(zod|@langchain|langsmith|compromise|chrono-node|minisearch)\//.test(url) ||
            /(^|\/)dist\/llm\//.test(url),
        ),
        command.join(" "),
      ).toEqual([]);
    }
  });

  // They open the store (its checkpointer's packages: @langchain/core, langsmith) and the audit log;
  // `usage` prices the calls (dist/llm/cost.js).
  it("keeps and reads the workspace's records (memory, token, trust, usage) without LangGraph's runtime, the canvas or a drafter", async () => {
    const workspace = await sampleCopy();
    const commands = [["memory"], ["token", "bella"], ["trust"], ["usage"]];
    for (const command of commands) {
      const loaded = await sourcesLoadedBy(["--workspace", workspace, ...command]);
      expect(
        loaded.filter(
          (url) =>
            /node_modules\/(@langchain\/langgraph\/|compromise|chrono-node|minisearch)\//.test(url) ||
            /(^|\/)dist\/(llm\/(offline|select|chatModel)|graph|canvas|skills)\b/.test(url),
        ),
        command.join(" "),
      ).toEqual([]);
    }
  });
});

describe("a pass with nothing due", () => {
  // It opens the store's index and leases only (no checkpointer: none of LangChain's packages), and
  // reads the skills, the graph, meta.json and the audit log with the generated validators (no zod).
  it("is a read: no zod, LangChain, canvas or drafter, and it still rewrites ops/today.md", async () => {
    const workspace = await withClosedDeal();
    // The first pass links the new lead to no campaign (the runtime's work); the next finds nothing to do.
    expect((await runCli(["--workspace", workspace, "--quiet", "pass"])).exitCode).toBe(0);
    await writeFile(join(workspace, "ops", "today.md"), "stale\n");
    for (const command of [["pass"], ["today"]]) {
      const loaded = await sourcesLoadedBy(["--workspace", workspace, "--quiet", ...command]);
      expect(
        loaded.filter(
          (url) =>
            /node_modules\/(zod|@langchain|langsmith|compromise|chrono-node|minisearch)\//.test(url) ||
            /(^|\/)dist\/(llm\/(offline|select|chatModel)|canvas\/canvas|runtime\/engine)\b/.test(url),
        ),
        command.join(" "),
      ).toEqual([]);
    }
    expect(await readFile(join(workspace, "ops", "today.md"), "utf8")).toContain("sales/elsaai-deal-closed");
  });
});

describe("the parse cache", () => {
  const yamlParsers = (loaded: string[]): string[] =>
    loaded.filter((url) => /node_modules\/(yaml|gray-matter|js-yaml|esprima)\//.test(url));

  // The settings, the graph, the skills and the data files a command read before are taken from the
  // user's cache folder by the hash of their text (src/files/parseCache.ts).
  it("lets pending and a pass with nothing due run without a YAML parser, and reads a changed file afresh", async () => {
    const workspace = await withClosedDeal();
    const env = { LEANOS_CACHE_DIR: await tempDir("leanos-parse-cache-") };
    expect((await runCli(["--workspace", workspace, "--quiet", "pass"], { env })).exitCode).toBe(0);
    for (const command of [["pending"], ["pass"]]) {
      const loaded = await sourcesLoadedBy(["--workspace", workspace, "--quiet", ...command], env);
      expect(yamlParsers(loaded), command.join(" ")).toEqual([]);
    }
    // Without it, the same command parses.
    const uncached = await sourcesLoadedBy(["--workspace", workspace, "pending"], { LEANOS_CACHE_DIR: "off" });
    expect(yamlParsers(uncached)).not.toEqual([]);

    const settings = join(workspace, ".leanos", "config.yaml");
    await writeFile(settings, `${await readFile(settings, "utf8")}\nthreshold: [not a number\n`);
    const changed = await runCli(["--workspace", workspace, "pending"], { env });
    expect(changed.exitCode).not.toBe(0);
    expect(changed.stderr).toContain(".leanos/config.yaml");
    expect(changed.stderr).toContain("not valid YAML");
  });
});

describe("leanos output", () => {
  it("ends quietly, exit 0, when what reads its output stops reading (leanos --help | head -1)", async () => {
    const run = spawn(process.execPath, [cliPath, "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    run.stdout.destroy();
    let stderr = "";
    run.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => run.on("close", done));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});

describe("a mistyped command or option", () => {
  // What was wrong and what was probably meant, then where the help is: two lines, not the whole help.
  it("suggests the command meant (leanos aprove), says where the help is, and exits 2", async () => {
    const result = await runCli(["aprove", "sales/elsaai-deal-closed"]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toEqual([
      "leanos: unknown command 'aprove' (did you mean approve?)",
      "leanos --help lists the commands and the global options",
    ]);
  });

  it("does the same for an unknown option, of the program or of a command", async () => {
    const global = await runCli(["--worksapce", "/tmp", "status"]);
    expect(global.exitCode).toBe(2);
    expect(global.stderr.split("\n")).toEqual([
      "leanos: unknown option '--worksapce' (did you mean --workspace?)",
      "leanos --help lists the commands and the global options",
    ]);
    const own = await runCli(["status", "--jsn"]);
    expect(own.exitCode).toBe(2);
    expect(own.stderr.split("\n")).toEqual([
      "leanos: unknown option '--jsn' (did you mean --json?)",
      "leanos status --help shows its arguments, options and examples",
    ]);
    const nothingNear = await runCli(["approve", "--frobnicate", "elsaai"]);
    expect(nothingNear.exitCode).toBe(2);
    expect(nothingNear.stderr.split("\n")).toEqual([
      "leanos: unknown option '--frobnicate'",
      "leanos approve --help shows its arguments, options and examples",
    ]);
  });

  it("names a missing argument the same way", async () => {
    const result = await runCli(["approve"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split("\n")).toEqual([
      "leanos: missing required argument 'thread'",
      "leanos approve --help shows its arguments, options and examples",
    ]);
  });
});

describe("leanos options and event text", () => {
  it("takes --provider and --model before the command as well as after it", async () => {
    const workspace = await sampleCopy();
    const before = await runCli([
      "--provider",
      "offline",
      "--workspace",
      workspace,
      "--json",
      "event",
      "Acme signed the order form: $40K ARR",
    ]);
    expect(before.exitCode, before.stderr).toBe(0);
    const after = await runCli([
      "--workspace",
      workspace,
      "--json",
      "event",
      "Brightside signed the order form: $30K ARR",
      "--provider",
      "offline",
    ]);
    expect(after.exitCode, after.stderr).toBe(0);
  });

  it("refuses --provider on a command that drafts nothing, and says which commands take it", async () => {
    const workspace = await sampleCopy();
    const result = await runCli(["--workspace", workspace, "--provider", "offline", "pending"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("leanos pending drafts nothing");
    expect(result.stderr).toContain("event");
  });

  it("finds a relative --file in the workspace when it is not in the current folder", async () => {
    const workspace = await sampleCopy();
    const elsewhere = await tempDir("leanos-cwd-");
    const result = await execa(
      process.execPath,
      [
        cliPath,
        "--workspace",
        workspace,
        "--json",
        "--quiet",
        "event",
        "--file",
        join("events", "02-lost-deal-nordstil.md"),
      ],
      {
        cwd: elsewhere,
        reject: false,
        env: { ANTHROPIC_API_KEY: "", NO_COLOR: "1" },
      },
    );
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(JSON.parse(String(result.stdout)).thread).toMatch(/^sales\//);
  });

  it("takes event text that starts with a dash as text, and still refuses a mistyped option", async () => {
    const workspace = await sampleCopy();
    const dashed = await runCli([
      "--workspace",
      workspace,
      "--json",
      "--quiet",
      "event",
      "-30% demo conversion since the pricing page change",
    ]);
    expect(dashed.exitCode, dashed.stderr).toBe(0);
    expect(JSON.parse(dashed.stdout).thread).toContain("demo-conversion");
    const typo = await runCli(["--workspace", workspace, "event", "Acme signed", "--sorce", "crm"]);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr.split("\n")).toEqual([
      "leanos: unknown option '--sorce' (did you mean --source?)",
      "leanos event --help shows its arguments, options and examples (options go before any --)",
    ]);
  });

  it("makes a first commit when init --git makes the repository", async () => {
    const dir = join(await tempDir("leanos-init-"), "acme");
    const result = await runCli(["init", dir, "--company", "Acme", "--git"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const log = spawnSync("git", ["-C", dir, "log", "--format=%s"], { encoding: "utf8" });
    expect(log.status).toBe(0);
    expect(log.stdout.trim()).toBe("leanos init: the workspace skeleton");
    expect(spawnSync("git", ["-C", dir, "status", "--porcelain"], { encoding: "utf8" }).stdout).toBe("");
  });
});

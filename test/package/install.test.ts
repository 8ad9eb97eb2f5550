import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ThreadMeta } from "../../src/core/threadMeta.js";
import { repoRoot, tempDir } from "../helpers.js";

// The npm package as someone installs it: `npm pack` of this tree (as built), `npm install` of the
// tarball into an empty project next to LangGraph's API server, and the installed package's own
// dist/langgraph.json served the way `langgraphjs dev --config` serves it, with a token the installed
// `leanos token` made, and one event run to its first gate through the SDK.
//
// The install compiles better-sqlite3 and takes a minute or two, so this runs on its own:
// `npm run test:package` (which builds first; .ci/run calls it). Under plain `vitest run` it is skipped.

const enabled = process.env.LEANOS_TEST_PACKAGE === "1";
const INSTALL_MS = 10 * 60 * 1000;

/** This process's environment without what `npm run` put in it: a nested npm must act on the folder it runs in, and nowhere else. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

interface LanggraphJson {
  graphs: Record<string, string>;
  auth: { path: string; disable_studio_auth?: boolean };
  http?: object;
}

/**
 * LangGraph's API server in a process of its own, in the installed project, set up from `config` as
 * `langgraphjs dev --config` sets it up: the entries resolved from the config's folder, which also
 * keeps the server's files. It prints where it listens.
 */
const SERVER = `
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { startServer, StartServerSchema } from "@langchain/langgraph-api/server";
const configPath = process.argv[1];
const config = JSON.parse(await readFile(configPath, "utf8"));
const server = await startServer(StartServerSchema.parse({ port: 0, nWorkers: 1, host: "127.0.0.1", cwd: dirname(configPath), graphs: config.graphs, auth: config.auth, http: config.http }));
process.stdout.write("listening http://" + server.host + "\\n");
`;

describe.runIf(enabled)("the npm package, installed (npm run test:package)", () => {
  let packed: PackResult;
  let project: string;
  let installed: string;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, "dist", "langgraph.json")))
      throw new Error("dist/ is not built: run `npm run build` (npm run test:package does)");
    const dir = await tempDir("leanos-package-");
    // Packed as built: the scripts (prepare builds) already ran.
    const pack = await execa("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: repoRoot,
      env: cleanEnv(),
      extendEnv: false,
    });
    packed = (JSON.parse(pack.stdout) as PackResult[])[0]!;
    project = join(dir, "project");
    await mkdir(project);
    await writeFile(join(project, "package.json"), `${JSON.stringify({ name: "serves-leanos", private: true })}\n`);
    // LangGraph's API server at the version this repository serves with, as the README's install line has it.
    const api = (
      JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as { devDependencies: Record<string, string> }
    ).devDependencies["@langchain/langgraph-api"]!;
    await execa(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        join(dir, packed.filename),
        `@langchain/langgraph-api@${api}`,
      ],
      { cwd: project, env: cleanEnv(), extendEnv: false },
    );
    installed = join(project, "node_modules", "leanos");
  }, INSTALL_MS);

  afterAll(() => {
    server?.kill();
  });

  it("ships the served graph: dist/langgraph.json, naming the built graph and auth hook, with the repository's auth and CORS settings", async () => {
    const files = new Set(packed.files.map((file) => file.path));
    for (const file of [
      "dist/langgraph.json",
      "dist/server/graph.js",
      "dist/server/auth.js",
      "bin/leanos.js",
      "examples/workspace/events/01-elsaai-deal-closed.md",
    ])
      expect(files, file).toContain(file);
    const shipped = JSON.parse(await readFile(join(installed, "dist", "langgraph.json"), "utf8")) as LanggraphJson;
    const repository = JSON.parse(await readFile(join(repoRoot, "langgraph.json"), "utf8")) as LanggraphJson;
    expect(shipped).toEqual({
      ...repository,
      graphs: { leanos: "./server/graph.js:graph" },
      auth: { ...repository.auth, path: "./server/auth.js:auth" },
    });
  });

  it("serves the installed graph on LangGraph's server: refused without a token, and with one from the installed leanos, one event runs to its first gate", async () => {
    const workspace = join(project, "glamyouup");
    await cp(join(installed, "examples", "workspace"), workspace, { recursive: true });
    const token = (
      await execa(join(project, "node_modules", ".bin", "leanos"), ["--workspace", workspace, "token", "bella"], {
        env: { ...cleanEnv(), ANTHROPIC_API_KEY: "" },
        extendEnv: false,
      })
    ).stdout.trim();
    expect(token).toMatch(/^lnt_bella\./);

    const env = {
      ...cleanEnv(),
      LEANOS_WORKSPACE: workspace,
      LOG_LEVEL: "error",
      LANGGRAPH_CLI_NO_ANALYTICS: "1",
      ANTHROPIC_API_KEY: "",
    };
    const running = spawn(
      process.execPath,
      ["--input-type=module", "-e", SERVER, join(installed, "dist", "langgraph.json")],
      { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    server = running;
    let output = "";
    const apiUrl = await new Promise<string>((resolve, reject) => {
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        const url = /listening (http:\/\/\S+)/.exec(output)?.[1];
        if (url) resolve(url);
      };
      running.stdout!.on("data", seen);
      running.stderr!.on("data", seen);
      running.on("exit", (code) => reject(new Error(`the server exited with ${code}: ${output}`)));
    });

    // The auth hook the shipped config names is in place: no token, no answer.
    expect(
      (
        await fetch(`${apiUrl}/threads/search`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
      ).status,
    ).toBe(401);

    const client = new Client({ apiUrl, apiKey: token });
    const { thread_id } = await client.threads.create();
    const text = await readFile(join(workspace, "events", "01-elsaai-deal-closed.md"), "utf8");
    const ran = (await client.runs.wait(thread_id, "leanos", {
      input: { event: { text, date: "2026-11-18", source: "crm" } },
      config: { configurable: { provider: "offline" } },
    })) as {
      __interrupt__?: Array<{ id: string; value: { leanos: { thread: string; kind: string } } }>;
    };
    expect(ran.__interrupt__).toHaveLength(1);
    const asked = ran.__interrupt__![0]!;
    expect(asked.value.leanos.thread).toBe("sales/elsaai-deal-closed");

    // The graph wrote the workspace as `leanos event` would: the thread waits at that very question.
    const meta = JSON.parse(
      await readFile(join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json"), "utf8"),
    ) as ThreadMeta;
    expect(meta).toMatchObject({ id: thread_id, state: "waiting" });
    expect(meta.pending[0]).toMatchObject({ id: asked.id, kind: asked.value.leanos.kind });
    expect(meta.files).toContain("1-input.md");
  });
});

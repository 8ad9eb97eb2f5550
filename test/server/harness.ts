import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { repoRoot, runCli, tempDir } from "../helpers.js";

// LangGraph's API server in this process, set up from the repository's langgraph.json (its auth hook
// and CORS settings), serving the built graph (dist/) over a workspace, on a free loopback port.

export interface Served {
  apiUrl: string;
  stop: () => Promise<void>;
  /** A token `leanos token NAME` makes for the served workspace. */
  token: (name: string) => Promise<string>;
  /** An SDK client that sends `name`'s token. */
  client: (name: string) => Promise<Client>;
}

interface LanggraphJson {
  graphs: Record<string, string>;
  auth: { path: string; disable_studio_auth: boolean };
  http: { cors: { allow_origins: string[] } };
}

/** A path of langgraph.json (./src/...ts:export) as the built file that exports it. */
const built = (spec: string): string =>
  spec.replace(/^\.\/src\//, `${join(repoRoot, "dist")}/`).replace(/\.ts:/, ".js:");

export async function serve(workspace: string): Promise<Served> {
  process.env.LEANOS_WORKSPACE = workspace;
  process.env.LOG_LEVEL = "error";
  // The tests act on fixed days (due dates, SLAs): clients may set the clock on this server only.
  process.env.LEANOS_CLIENT_CLOCK = "1";
  const config = JSON.parse(await readFile(join(repoRoot, "langgraph.json"), "utf8")) as LanggraphJson;
  const { startServer } = await import("@langchain/langgraph-api/server");
  const server = await startServer({
    port: 0,
    // Ten queue workers, as `langgraphjs dev` runs (n_jobs_per_worker): each polls for runs after a random
    // pause of up to a second, so with one a run waits half a second on average before it starts.
    nWorkers: 10,
    host: "127.0.0.1",
    cwd: await tempDir("leanos-server-"),
    graphs: Object.fromEntries(Object.entries(config.graphs).map(([id, spec]) => [id, built(spec)])),
    auth: { ...config.auth, path: built(config.auth.path) },
    http: {
      disable_assistants: false,
      disable_threads: false,
      disable_runs: false,
      disable_store: false,
      disable_meta: false,
      ...config.http,
    },
  });
  const apiUrl = `http://${server.host}`;
  const tokens = new Map<string, string>();
  const token = async (name: string): Promise<string> => {
    let made = tokens.get(name);
    if (!made) {
      const result = await runCli(["--workspace", workspace, "token", name]);
      if (result.exitCode !== 0) throw new Error(`leanos token ${name}: ${result.stderr}`);
      made = result.stdout.trim();
      tokens.set(name, made);
    }
    return made;
  };
  return {
    apiUrl,
    stop: server.cleanup,
    token,
    client: async (name) => new Client({ apiUrl, apiKey: await token(name) }),
  };
}

import { once } from "node:events";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { holdingLease, isHeld, SqliteLeases, type LeaseStore } from "../../src/store/leases.js";
import { PgLeases } from "../../src/store/pgLeases.js";
import { tempDir } from "../helpers.js";

// One lease contract, two stores: the workspace's SQLite database, and PostgreSQL for workspaces
// shared by several machines. The PostgreSQL half runs where LEANOS_TEST_DATABASE_URL names a server
// (.ci/run and `npm run test:pg` start one).

const databaseUrl = process.env.LEANOS_TEST_DATABASE_URL;
const opened: LeaseStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
});

interface Backend {
  name: string;
  /** A fresh store for one workspace, and the arguments that open the same one in another process. */
  open(workspace?: string): Promise<{ store: LeaseStore; args: string[] }>;
}

const sqlite: Backend = {
  name: "SQLite",
  open: async () => {
    const root = await tempDir("leanos-leases-");
    const database = join(root, "checkpoints.sqlite");
    const store = new SqliteLeases(root, database);
    opened.push(store);
    return { store, args: ["sqlite", root, database] };
  },
};

const postgres: Backend = {
  name: "PostgreSQL",
  open: async (workspace = `ws-${Math.random().toString(36).slice(2)}`) => {
    const store = PgLeases.connect(databaseUrl!, workspace);
    opened.push(store);
    return { store, args: ["postgres", databaseUrl!, workspace] };
  },
};

/** Starts a process that takes the lease and holds it; resolves once it holds it. */
async function holderProcess(args: string[], name: string) {
  const child = spawn(process.execPath, [join(import.meta.dirname, "hold-lease.mjs"), ...args, name], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  expect(line.toString()).toMatch(/^held \d+/);
  return child;
}

describe.each([sqlite, ...(databaseUrl ? [postgres] : [])])("leases on $name", (backend) => {
  it("are held by one holder at a time, and free again once released", async () => {
    const { store } = await backend.open();
    const first = await store.acquire("thread:a");
    expect(isHeld(first)).toBe(true);
    expect(await store.acquire("thread:a")).toMatchObject({ pid: process.pid });
    expect(isHeld(await store.acquire("thread:b"))).toBe(true);
    if (isHeld(first)) await first.release();
    expect(isHeld(await store.acquire("thread:a"))).toBe(true);
  });

  it("let exactly one of many simultaneous acquirers in", async () => {
    const { store } = await backend.open();
    const results = await Promise.all(Array.from({ length: 12 }, () => store.acquire("pass")));
    expect(results.filter(isHeld)).toHaveLength(1);
  });

  it("are held against another process, and taken over at once when it is killed with SIGKILL", async () => {
    const { store, args } = await backend.open();
    const child = await holderProcess(args, "thread:kill");
    expect(await store.acquire("thread:kill")).toMatchObject({ pid: child.pid });
    child.kill("SIGKILL");
    await once(child, "exit");
    // The killed holder's row stays until someone takes the lease over, and is gone once released.
    expect(await store.recorded("thread:kill")).toBe(true);
    const taken = await store.acquire("thread:kill");
    expect(isHeld(taken)).toBe(true);
    if (isHeld(taken)) await taken.release();
    expect(await store.recorded("thread:kill")).toBe(false);
    expect(await store.recorded("thread:never")).toBe(false);
  });

  it("make a second runner wait until the first is done (holdingLease)", async () => {
    const { store } = await backend.open();
    const order: string[] = [];
    const first = holdingLease(store, "thread:w", async () => {
      order.push("first in");
      await new Promise((resolve) => setTimeout(resolve, 300));
      order.push("first out");
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const skipped = await holdingLease(store, "thread:w", async () => "ran", { wait: false });
    await holdingLease(store, "thread:w", async () => order.push("second in"));
    await first;
    expect(skipped).toBeUndefined();
    expect(order).toEqual(["first in", "first out", "second in"]);
  });
});

describe.skipIf(!databaseUrl)("leases on PostgreSQL, shared by workspaces", () => {
  it("keep two workspaces in one database apart", async () => {
    const { store: one } = await postgres.open("workspace-one");
    const { store: two } = await postgres.open("workspace-two");
    expect(isHeld(await one.acquire("thread:same"))).toBe(true);
    expect(isHeld(await two.acquire("thread:same"))).toBe(true);
    expect(isHeld(await one.acquire("thread:same"))).toBe(false);
  });
});

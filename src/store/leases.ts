import { existsSync } from "node:fs";
import type Database from "better-sqlite3";
import { hostname } from "node:os";
import { RuntimeFailure } from "../errors.js";
import { processAlive } from "../files/process.js";
import { openDatabase } from "./database.js";

// Leases: a row per held lock in the workspace's database (one pass at a time, one process per
// thread). The holder renews its row every few seconds; a row whose process is gone (on this
// machine) or that was not renewed for STALE_MS is taken over, so a crash never leaves work locked.

export const STALE_MS = 15_000;
export const RENEW_MS = 3_000;

export interface LeaseHolder {
  pid: number;
  host: string;
  since: string;
}

/** A lease this process holds, renewed until released. */
export interface HeldLease {
  release(): Promise<void>;
}

/** Where leases are kept: the workspace's SQLite database, or PostgreSQL (pgLeases.ts). One contract. */
export interface LeaseStore {
  /** Takes the lease `name`, or says who holds it. */
  acquire(name: string): Promise<HeldLease | LeaseHolder>;
  /**
   * Whether the lease `name` has a row: held now, or left by a process killed while it held it. A
   * command that would otherwise write nothing takes the lease when it has, so a dead holder's row is
   * taken over and released rather than left behind.
   */
  recorded(name: string): Promise<boolean>;
  close(): Promise<void>;
}

export const isHeld = (lease: HeldLease | LeaseHolder): lease is HeldLease => "release" in lease;

/** Whether a lease row's holder is gone: its process has died (on this machine), or it stopped renewing. */
export function holderGone(row: { pid: number; host: string; renewed_ms: number }, now = Date.now()): boolean {
  return (row.host === hostname() && !processAlive(row.pid)) || now - row.renewed_ms > STALE_MS;
}

export class Lease {
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly db: Database.Database,
    readonly name: string,
  ) {}

  /** Takes the lease, or returns who holds it. */
  static acquire(root: string, databasePath: string, name: string): Lease | LeaseHolder {
    const db = openDatabase(root, databasePath);
    try {
      db.pragma("journal_mode = WAL");
      db.exec(
        "CREATE TABLE IF NOT EXISTS leanos_locks (name TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL, renewed_ms INTEGER NOT NULL)",
      );
      const take = db.transaction((): LeaseHolder | undefined => {
        const row = db.prepare("SELECT pid, host, since, renewed_ms FROM leanos_locks WHERE name = ?").get(name) as
          (LeaseHolder & { renewed_ms: number }) | undefined;
        const now = Date.now();
        if (row && !holderGone(row, now)) return { pid: row.pid, host: row.host, since: row.since };
        db.prepare(
          "INSERT OR REPLACE INTO leanos_locks (name, pid, host, since, renewed_ms) VALUES (?, ?, ?, ?, ?)",
        ).run(name, process.pid, hostname(), new Date(now).toISOString(), now);
        return undefined;
      });
      const holder = take.immediate();
      if (holder) {
        db.close();
        return holder;
      }
    } catch (error) {
      db.close();
      throw error;
    }
    const lease = new Lease(db, name);
    lease.timer = setInterval(() => lease.renew(), RENEW_MS);
    lease.timer.unref();
    return lease;
  }

  private renew(): void {
    this.db
      .prepare("UPDATE leanos_locks SET renewed_ms = ? WHERE name = ? AND pid = ?")
      .run(Date.now(), this.name, process.pid);
  }

  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.db.prepare("DELETE FROM leanos_locks WHERE name = ? AND pid = ?").run(this.name, process.pid);
    this.db.close();
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Leases in the workspace's SQLite database. */
export class SqliteLeases implements LeaseStore {
  constructor(
    private readonly root: string,
    private readonly databasePath: string,
  ) {}

  async acquire(name: string): Promise<HeldLease | LeaseHolder> {
    const lease = Lease.acquire(this.root, this.databasePath, name);
    return lease instanceof Lease ? { release: async () => lease.release() } : lease;
  }

  async recorded(name: string): Promise<boolean> {
    if (!existsSync(this.databasePath)) return false;
    const db = openDatabase(this.root, this.databasePath, { reading: true });
    try {
      const made =
        db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'leanos_locks'").get() !== undefined;
      return made && db.prepare("SELECT 1 FROM leanos_locks WHERE name = ?").get(name) !== undefined;
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {}
}

/**
 * Runs `work` while holding the lease `name`. By default it waits (up to a minute) for another
 * process to finish; with `wait: false` a lease held elsewhere means `work` is skipped (undefined).
 */
export async function holdingLease<T>(store: LeaseStore, name: string, work: () => Promise<T>): Promise<T>;
export async function holdingLease<T>(
  store: LeaseStore,
  name: string,
  work: () => Promise<T>,
  options: { wait: false },
): Promise<T | undefined>;
export async function holdingLease<T>(
  store: LeaseStore,
  name: string,
  work: () => Promise<T>,
  options: { wait?: boolean } = {},
): Promise<T | undefined> {
  const deadline = Date.now() + 60_000;
  let lease = await store.acquire(name);
  while (!isHeld(lease)) {
    if (options.wait === false) return undefined;
    if (Date.now() > deadline)
      throw new RuntimeFailure(
        `${name} is busy in another process (pid ${lease.pid} on ${lease.host}, since ${lease.since}); try again`,
      );
    await pause(100);
    lease = await store.acquire(name);
  }
  try {
    return await work();
  } finally {
    await lease.release();
  }
}

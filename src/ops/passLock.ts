import Database from "better-sqlite3";
import { hostname } from "node:os";

// One pass at a time per workspace: a row in a table of the checkpoint database. The holder renews
// it every few seconds; a row whose holder's process is gone, or that was not renewed for
// STALE_MS, is taken over, so a crash never leaves the workspace locked.

const STALE_MS = 15_000;
const RENEW_MS = 3_000;

export interface PassLockHolder {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class PassLock {
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly name: string,
  ) {}

  /** Takes the lock, or returns who holds it. */
  static acquire(databasePath: string, name = "pass"): PassLock | PassLockHolder {
    const db = new Database(databasePath, { timeout: 5_000 });
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE IF NOT EXISTS leanos_locks (name TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL, renewed_ms INTEGER NOT NULL)");
    const take = db.transaction((): PassLockHolder | undefined => {
      const row = db.prepare("SELECT pid, host, since, renewed_ms FROM leanos_locks WHERE name = ?").get(name) as (PassLockHolder & { renewed_ms: number }) | undefined;
      const now = Date.now();
      if (row) {
        const dead = (row.host === hostname() && !alive(row.pid)) || now - row.renewed_ms > STALE_MS;
        if (!dead) return { pid: row.pid, host: row.host, since: row.since };
      }
      db.prepare("INSERT OR REPLACE INTO leanos_locks (name, pid, host, since, renewed_ms) VALUES (?, ?, ?, ?, ?)").run(name, process.pid, hostname(), new Date(now).toISOString(), now);
      return undefined;
    });
    const holder = take.immediate();
    if (holder) {
      db.close();
      return holder;
    }
    const lock = new PassLock(db, name);
    lock.timer = setInterval(() => lock.renew(), RENEW_MS);
    lock.timer.unref();
    return lock;
  }

  private renew(): void {
    this.db.prepare("UPDATE leanos_locks SET renewed_ms = ? WHERE name = ? AND pid = ?").run(Date.now(), this.name, process.pid);
  }

  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.db.prepare("DELETE FROM leanos_locks WHERE name = ? AND pid = ?").run(this.name, process.pid);
    this.db.close();
  }
}

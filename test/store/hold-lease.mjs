// Takes a lease and holds it until killed: the holder the lease contract test kills with SIGKILL.
//   node hold-lease.mjs sqlite ROOT DATABASE NAME
//   node hold-lease.mjs postgres URL WORKSPACE NAME
import { SqliteLeases } from "../../dist/store/leases.js";
import { PgLeases } from "../../dist/store/pgLeases.js";

const [backend, first, second, name] = process.argv.slice(2);
const store = backend === "sqlite" ? new SqliteLeases(first, second) : PgLeases.connect(first, second);
const lease = await store.acquire(name);
if (!("release" in lease)) {
  console.log(`busy ${lease.pid}`);
  process.exit(1);
}
console.log(`held ${process.pid}`);
setInterval(() => undefined, 60_000);

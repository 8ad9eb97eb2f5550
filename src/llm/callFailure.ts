import { RuntimeFailure } from "../errors.js";

// What a failed model call is reported as: a server that cannot be reached is named with the setting
// a person changes to point leanos elsewhere (trying again will not help); any other failure is
// reported as it came.

/** Where the model server is, for messages: its URL and the setting that names it. */
export interface Endpoint {
  url: string;
  /** The environment variable (or variables) a person changes to point leanos elsewhere. */
  setting: string;
}

/** The failure of a call to `provider`'s model at `endpoint`, in words that say what to change when it can be reached at all. */
export function callFailure(provider: string, endpoint: Endpoint | undefined, error: unknown): RuntimeFailure {
  const found = unreachable(error);
  if (found) {
    const setting = endpoint?.setting ?? "the server's URL";
    return new RuntimeFailure(
      `the ${provider} model server${endpoint ? ` at ${endpoint.url}` : ""} cannot be reached: ${found.reason}. ${FIXES[found.kind](setting)}`,
      { cause: error },
    );
  }
  return new RuntimeFailure(
    `the ${provider} model call${endpoint ? ` to ${endpoint.url}` : ""} failed: ${(error as Error).message || String(error)}`,
    { cause: error },
  );
}

/** Why no server could be talked to, and so what the person changes. */
export interface Unreachable {
  kind: "refused" | "unknown-host" | "no-route" | "bad-url" | "blocked-port";
  reason: string;
}

const FIXES: Record<Unreachable["kind"], (setting: string) => string> = {
  refused: (setting) => `Start the server, or set ${setting} to where it listens`,
  "unknown-host": (setting) => `Check the host name in ${setting}`,
  "no-route": (setting) => `Check the network, and the address in ${setting}`,
  "bad-url": (setting) => `Set ${setting} to a URL such as http://localhost:11434/v1`,
  "blocked-port": (setting) => `Run the server on another port, and set ${setting} to it`,
};

type NetworkError = Error & { code?: unknown; errors?: unknown[] };

/** The error and every error behind it: its causes, and each of an AggregateError's (a host with an IPv6 and an IPv4 address is tried at both). */
function* errorChain(error: unknown, depth = 0): Generator<NetworkError> {
  if (!(error instanceof Error) || depth > 8) return;
  yield error;
  const { cause, errors } = error as NetworkError;
  yield* errorChain(cause, depth + 1);
  if (Array.isArray(errors)) for (const inner of errors) yield* errorChain(inner, depth + 1);
}

/**
 * Why a model call found no server to talk to, when that is so and trying again in a few seconds will
 * not change it: nothing listens at the address (ECONNREFUSED), the host name is unknown, there is no
 * route to it, or the URL cannot be used at all. Undefined for everything else, a rate limit, a
 * server error, a time-out or a dropped connection, which are worth trying again.
 */
export function unreachable(error: unknown): Unreachable | undefined {
  for (const link of errorChain(error)) {
    const code = typeof link.code === "string" ? link.code : "";
    if (code === "ECONNREFUSED")
      return {
        kind: "refused",
        reason: "the connection was refused (ECONNREFUSED): nothing listens at that address and port",
      };
    if (code === "ENOTFOUND" || code === "EAI_NONAME")
      return { kind: "unknown-host", reason: `the host name is unknown (${code})` };
    if (code === "EHOSTUNREACH" || code === "ENETUNREACH")
      return { kind: "no-route", reason: `there is no route to the host (${code})` };
    if (code === "ERR_INVALID_URL") return { kind: "bad-url", reason: "it is not a valid URL (ERR_INVALID_URL)" };
    // Node's fetch refuses the ports browsers block (9, 25, 6000...) without trying them.
    if (link.message === "bad port")
      return {
        kind: "blocked-port",
        reason: "Node's fetch will not connect to that port (one that browsers block as unsafe)",
      };
  }
  return undefined;
}

import { randomBytes } from "node:crypto";
import { UsageError } from "../errors.js";
import type { WorkspaceStore } from "../store/store.js";
import { makeToken } from "./apiTokens.js";

/** `leanos token`: a token for `name` (after a new signing secret, with `rotate`). */
export async function issueToken(
  store: Pick<WorkspaceStore, "secrets">,
  name: string | undefined,
  rotate: boolean,
): Promise<{ user?: string; token?: string; rotated: boolean }> {
  if (!name && !rotate) throw new UsageError("name the person the token is for: leanos token NAME");
  if (rotate) await store.secrets.set("api-tokens", randomBytes(32).toString("hex"));
  if (!name) return { rotated: rotate };
  return { user: name, token: makeToken(await store.secrets.get("api-tokens"), name), rotated: rotate };
}

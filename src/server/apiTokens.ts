import { createHmac, timingSafeEqual } from "node:crypto";
import { UsageError } from "../errors.js";

// API tokens for the served graph: a token is a person's name and a MAC of it under the workspace's
// "api-tokens" secret (kept in the store). Nothing is kept per token: the server checks the MAC and
// takes the name as who is asking. Rotating the secret (`leanos token --rotate`) ends every token.

/** The name a token is made for: who the audit log and the gates record as having answered. */
export const TOKEN_USER = /^[A-Za-z0-9_-]{1,64}$/;

const macOf = (secret: string, label: string, name: string): string =>
  createHmac("sha256", secret).update(`${label}\n${name}`).digest("hex");

/** A token for `name`, as a person gives it to an inbox or the SDK (Authorization: Bearer, or x-api-key). */
export function makeToken(secret: string, name: string): string {
  if (!TOKEN_USER.test(name))
    throw new UsageError(`a token names one person: 1-64 letters, digits, - or _ (got ${JSON.stringify(name)})`);
  return `lnt_${name}.${macOf(secret, "token", name)}`;
}

/** The person a token was made for, or undefined when it is not one this workspace made. */
export function tokenUser(secret: string, token: string): string | undefined {
  const match = /^lnt_([A-Za-z0-9_-]{1,64})\.([0-9a-f]{64})$/.exec(token.trim());
  if (!match) return undefined;
  const [, name, mac] = match;
  const expected = Buffer.from(macOf(secret, "token", name!), "hex");
  return timingSafeEqual(expected, Buffer.from(mac!, "hex")) ? name : undefined;
}

/** A proof, kept on the authenticated user, that leanos's auth hook (not a client) named them. */
export const userProof = (secret: string, name: string): string => macOf(secret, "user", name);

/** Whether `proof` is that proof for `name`. */
export function provesUser(secret: string, name: string, proof: unknown): boolean {
  if (typeof proof !== "string" || !/^[0-9a-f]{64}$/.test(proof)) return false;
  return timingSafeEqual(Buffer.from(userProof(secret, name), "hex"), Buffer.from(proof, "hex"));
}

import { Auth, HTTPException } from "@langchain/langgraph-sdk/auth";
import { crossSite } from "../web/crossSite.js";
import { tokenUser, userProof } from "./apiTokens.js";
import { servedStore } from "./served.js";

// LangGraph's custom-auth hook for the served graph (langgraph.json names it). Every request must
// carry a token `leanos token NAME` made for this workspace, as `Authorization: Bearer` or `x-api-key`
// (what the SDK's apiKey and Agent Inbox send), and none may come from another site: a page the user
// visits cannot drive the server, whatever its CORS answers. The user it returns carries a proof the
// graph checks, so who answered a gate is who the token names, never what a request says.

/** The token a request carries, if any. */
function tokenOf(headers: Headers): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  return bearer ?? headers.get("x-api-key") ?? undefined;
}

const refused = (status: 401 | 403, message: string) =>
  new HTTPException(status, {
    message,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    },
  });

export const auth = new Auth().authenticate(async (request: Request) => {
  const foreign = crossSite(
    (name) => request.headers.get(name),
    request.headers.get("host") ?? new URL(request.url).host,
  );
  if (foreign) throw refused(403, `leanos refuses requests from another site (${foreign})`);
  const token = tokenOf(request.headers);
  if (!token)
    throw refused(
      401,
      "a token is needed: make one with `leanos token NAME` and send it as Authorization: Bearer TOKEN or x-api-key",
    );
  const secret = await (await servedStore()).secrets.get("api-tokens");
  const name = tokenUser(secret, token);
  if (!name)
    throw refused(401, "this token was not made for this workspace (or was revoked by `leanos token --rotate`)");
  return {
    identity: name,
    display_name: name,
    permissions: [],
    is_authenticated: true,
    leanos_proof: userProof(secret, name),
  };
});

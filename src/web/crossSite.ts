// Whether a request comes from another site, by what browsers say of it: a Sec-Fetch-Site other than
// same-origin or none, or an Origin whose host is not the server's. One rule for the web inbox's forms
// and for LangGraph's server (src/server/auth.ts).

/** Why a request comes from another site, or undefined when nothing says it does. */
export function crossSite(header: (name: string) => string | null | undefined, host: string): string | undefined {
  const fetchSite = header("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") return `Sec-Fetch-Site: ${fetchSite}`;
  const origin = header("origin");
  if (origin === null || origin === undefined) return undefined;
  let from: string;
  try {
    from = new URL(origin).host.toLowerCase();
  } catch {
    return `Origin: ${origin}`;
  }
  return from === host.toLowerCase() ? undefined : `Origin: ${origin}`;
}

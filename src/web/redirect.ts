// Where the inbox may send a browser: to itself only. A redirect built from the address asked for
// (the token link drops its ?token= and goes on to the same path) must not become a way off the site:
// `//evil.com/` is another host to a browser, and so is `/\evil.com/` (a browser reads \ as /, and
// skips tabs and newlines). Such a path is brought back to a local one.

const BASE = "http://inbox.invalid";

/** `target` (a path with its query) as a path on this site: same origin, one leading slash. */
export function localPath(target: string): string {
  let url: URL;
  try {
    url = new URL(target.replace(/[\t\n\r]/g, ""), BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE || !target.startsWith("/")) return "/";
  // "/.//evil.com" resolves to the path "//evil.com": however it came, a path never starts with two slashes.
  const path = url.pathname.replace(/^[/\\]+/, "/");
  return `${path}${url.search}`;
}

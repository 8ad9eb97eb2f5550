import { Hono } from "hono";
import { describeFailure } from "../failure.js";
import { assetRoutes } from "./assetRoutes.js";
import { bodyLimited, guarded, secured } from "./guard.js";
import { inboxRoutes } from "./inboxRoutes.js";
import { Pages, type WebOptions } from "./pages.js";
import { threadRoutes } from "./threadRoutes.js";
import { workspaceRoutes } from "./workspaceRoutes.js";

export type { WebOptions } from "./pages.js";

// `leanos serve`: the web inbox. Every request passes the guard (token, Host, cross-site, body
// limit, security headers); each route group registers its own routes, and each request works on a
// runtime opened for it (pages.ts).

export function webApp(options: WebOptions): Hono {
  const app = new Hono();
  const pages = new Pages(options);

  app.use("*", secured(), guarded(options.guard), bodyLimited());
  app.onError((error, c) => {
    const failure = describeFailure(error);
    // The page says what went wrong; whoever runs the server also sees a failure that is not bad input.
    if (failure.exitCode !== 2)
      process.stderr.write(`leanos serve: ${c.req.method} ${c.req.path}: ${failure.message}\n`);
    return pages.problem(c, failure.exitCode === 2 ? 400 : 500, "Something went wrong", failure.message);
  });
  app.notFound((c) => pages.problem(c, 404, "Not found", "There is no such page here."));

  inboxRoutes(app, pages);
  threadRoutes(app, pages);
  workspaceRoutes(app, pages);
  assetRoutes(app, pages);
  return app;
}

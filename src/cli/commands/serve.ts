import { Command } from "commander";
import { out, serviceOptionsOf, who } from "../session.js";

export function serveCommand(): Command {
  return new Command("serve")
    .description("the web inbox: what waits with its draft and diff, the threads, the canvas over time, today's page")
    .option("--port <n>", "the port (0: any free one)", "4321")
    .option(
      "--host <address>",
      "the address to listen on; anything but this machine's own (127.0.0.1) needs the token printed at start",
      "127.0.0.1",
    )
    .addHelpText(
      "after",
      "\nAnswers from the page go through the same checks as leanos approve/respond/reject; drafts after an\nanswer are made with --provider/--model as for any command. Stop it with Ctrl-C.\n\nExamples:\n  leanos serve\n  leanos serve --port 8080\n  leanos serve --host 0.0.0.0   # prints a URL with ?token=...; every request needs it",
    )
    .action(async (options: { port: string; host: string }, command: Command) => {
      // Digits only ("80abc" is no port); the range is checked where the server starts.
      const port = /^\d+$/.test(options.port) ? Number(options.port) : options.port;
      const { startWebServer } = await import("../../web/server.js");
      const server = await startWebServer({ runtime: serviceOptionsOf(command), host: options.host, port, by: who() });
      out(`leanos inbox for ${server.root}\n  ${server.url}`);
      if (server.token)
        out("  Every request needs this token (the link sets it once). Anyone with it can answer for you.");
      out("  Ctrl-C stops it.");
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void server.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}

import { Command } from "commander";
import { withRecords } from "../session.js";

export function tokenCommand(): Command {
  return new Command("token")
    .description("make an API token for LangGraph's server serving this workspace (Agent Inbox, the SDK, --server)")
    .argument("[NAME]", "the person the token is for: gates they answer record this name")
    .option("--rotate", "make a new signing secret first: every token made before stops working")
    .addHelpText(
      "after",
      "\nThe served graph takes requests only with a token (Authorization: Bearer TOKEN, or x-api-key:\nTOKEN, which the SDK's apiKey and LANGGRAPH_API_KEY send), and records its NAME as who answered.\nKeep a token like a password. Tokens are not stored: --rotate is how they are revoked.\n\nExamples:\n  leanos token bella\n  LANGGRAPH_API_KEY=$(leanos token bella) leanos --server http://127.0.0.1:2024 pending\n  leanos token --rotate bella",
    )
    .action(async (name: string | undefined, options: { rotate?: boolean }, command: Command) => {
      const { issueToken } = await import("../../server/issueToken.js");
      await withRecords(
        command,
        (records) => issueToken(records.store, name, options.rotate === true),
        (issued) => issued.token ?? "every token made before was revoked",
      );
    });
}

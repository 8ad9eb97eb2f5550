import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { durableStep } from "../files/crashPoints.js";
import { openDatabase } from "./database.js";

/** The SQLite checkpointer of a workspace; each saved checkpoint or write is a durable step (a kill point of the crash sweep). */
export class WorkspaceCheckpointer extends SqliteSaver {
  static openIn(root: string, path: string): WorkspaceCheckpointer {
    return new WorkspaceCheckpointer(openDatabase(root, path));
  }

  override async put(...args: Parameters<SqliteSaver["put"]>): ReturnType<SqliteSaver["put"]> {
    const saved = await super.put(...args);
    durableStep("checkpoint");
    return saved;
  }

  override async putWrites(...args: Parameters<SqliteSaver["putWrites"]>): Promise<void> {
    await super.putWrites(...args);
    durableStep("checkpoint writes");
  }

  close(): void {
    this.db.close();
  }
}

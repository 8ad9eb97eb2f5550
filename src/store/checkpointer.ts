import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { durableStep } from "../files/crashPoints.js";

/** The SQLite checkpointer of a workspace; each saved checkpoint or write is a durable step (a kill point of the crash sweep). */
export class WorkspaceCheckpointer extends SqliteSaver {
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

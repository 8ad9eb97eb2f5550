import { existsSync } from "node:fs";
import { join } from "node:path";
import { RuntimeFailure } from "../errors.js";
import { writeJsonAtomically } from "../files/atomic.js";
import type { WorkspaceConfig } from "../workspace/config.js";

// Everything that leaves the machine (a post, an email, a publication) goes through a connector.
// The default writes the exact payload to artifacts/outbox/ and marks it a dry run.

export interface OutboundMessage {
  /** The same key for the same send, so a retry or a second process never sends twice. */
  idempotency_key: string;
  thread: string;
  action_id: string;
  action_type: string;
  channel: string;
  title: string;
  body: string;
  url?: string;
  scheduled_for?: string;
  approved_by: string;
  /** Who drafted the body: `offline` for the offline rules, the provider of the model that wrote it, or `template`. */
  drafted_by?: string;
  model?: string;
}

export interface SendReceipt {
  connector: string;
  channel: string;
  status: "dry-run" | "sent";
  ref: string;
}

export interface Connector {
  readonly name: string;
  send(message: OutboundMessage): Promise<SendReceipt>;
}

export class OutboxConnector implements Connector {
  readonly name = "outbox";
  constructor(private readonly workspaceRoot: string) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const relative = join("artifacts", "outbox", `${message.idempotency_key}.json`);
    const path = join(this.workspaceRoot, relative);
    // The key names the file: sending again finds it and writes nothing new.
    if (!existsSync(path)) await writeJsonAtomically(this.workspaceRoot, path, { dry_run: true, ...message });
    return { connector: this.name, channel: message.channel, status: "dry-run", ref: relative };
  }
}

export class WebhookConnector implements Connector {
  readonly name = "webhook";
  constructor(
    private readonly url: string,
    private readonly retries: number,
    private readonly timeoutMs: number,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    let last = "";
    for (let attempt = 1; attempt <= this.retries; attempt += 1) {
      try {
        const response = await fetch(this.url, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": message.idempotency_key },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (response.ok)
          return {
            connector: this.name,
            channel: message.channel,
            status: "sent",
            ref: `${this.url} ${response.status}`,
          };
        last = `HTTP ${response.status}`;
        // A 4xx other than 408/429 will not get better by asking again.
        if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
      } catch (error) {
        last = (error as Error).message;
      }
      if (attempt < this.retries) await this.pause(200 * 2 ** (attempt - 1));
    }
    throw new RuntimeFailure(
      `webhook ${this.url} refused ${message.action_type} ${message.action_id} (${message.channel}) after ${this.retries} attempt(s): ${last}; the action stays pending, run "leanos resume ${message.thread}" when the endpoint is back`,
    );
  }
}

export function connectorFor(config: WorkspaceConfig, workspaceRoot: string): Connector {
  if (config.connector === "webhook" && config.webhook)
    return new WebhookConnector(config.webhook.url, config.webhook.retries, config.webhook.timeout_ms);
  return new OutboxConnector(workspaceRoot);
}

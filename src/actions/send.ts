import { join } from "node:path";
import { stringify as toYaml } from "yaml";
import { RuntimeFailure } from "../errors.js";
import { writeFileAtomically } from "../files/atomic.js";
import { addDays } from "../files/dates.js";
import { idempotencyKey } from "../stages/actionKey.js";
import type { Review } from "../stages/context.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import { DEFAULT_THREAD_TYPES } from "../core/threadTypes.js";
import { artifactDir } from "./assets.js";
import type { Channel } from "./capability.js";
import type { SendReceipt } from "./connectors.js";
import { draftedMark } from "./draftedBy.js";
import type { ExecutionEnv } from "./env.js";
import { describeUnpublishable, readPublishable } from "./publishable.js";

// A send: the publishable parts of the approved documents go out through the connector, one message
// per channel and day, each under its own idempotency key; a distribution record (or a promotion
// schedule) says what went where.

/**
 * Sends the documents as the person approved them, and returns the receipts and the record written.
 * Without an accepted approval nothing leaves the machine: that is policy, and it fails the run.
 */
export async function sendApproved(
  env: ExecutionEnv,
  action: PlannedAction,
  channels: readonly Channel[],
  artifacts: readonly string[],
  approval: Review | undefined,
): Promise<{ receipts: SendReceipt[]; record: string }> {
  if (!approval || approval.answer === "reject") {
    throw new RuntimeFailure(
      `policy: ${action.type} ${action.id} of ${env.context.thread} sends to customers and has no approval`,
    );
  }
  const root = env.context.workspaceRoot;
  const key = action.key ?? idempotencyKey(env.context.thread, action);
  const isPromotion = artifacts.some((path) => path.includes("promotion-posts"));
  const messages = await messagesOf(env, action, artifacts, isPromotion);
  const receipts: SendReceipt[] = [];
  for (const { by, ...message } of messages) {
    const channel = channels.find((candidate) => candidate.name === message.channel);
    receipts.push(
      await env.connector.send({
        idempotency_key: `${key}-${message.channel}${message.day ? `-day${message.day}` : ""}`,
        thread: env.context.thread,
        action_id: action.id,
        action_type: action.type,
        channel: message.channel,
        title: action.title,
        body: message.body,
        ...(channel ? { url: channel.url } : {}),
        ...(message.scheduled_for ? { scheduled_for: message.scheduled_for } : {}),
        approved_by: approval.by,
        ...(by ? { drafted_by: by.drafted_by, ...(by.model ? { model: by.model } : {}) } : {}),
      }),
    );
  }
  const dir = artifactDir(env.context.thread, action.type, env.context.threadTypes ?? DEFAULT_THREAD_TYPES);
  const record = join(dir, isPromotion ? "promotion-schedule.yaml" : "distribution-record.yaml");
  await writeFileAtomically(
    root,
    record,
    toYaml({
      thread: env.context.thread,
      action: action.id,
      approved_by: approval.by,
      approved_at: approval.at,
      channels,
      sends: receipts.map((receipt, index) => ({
        ...receipt,
        ...(messages[index]?.scheduled_for ? { scheduled_for: messages[index]!.scheduled_for } : {}),
      })),
    }),
  );
  return { receipts, record };
}

/**
 * The messages to send: every publishable part of every document. Only the publishable parts leave,
 * and only when none still holds a placeholder: every document is read and checked before the first
 * send, so a refused one sends nothing at all. The gate refused such an accept already; this holds
 * for a file changed after it, or a question asked before the rule.
 */
async function messagesOf(
  env: ExecutionEnv,
  action: PlannedAction,
  artifacts: readonly string[],
  isPromotion: boolean,
) {
  const { documents, problems } = await readPublishable(env.context.workspaceRoot, artifacts);
  if (problems.length > 0) {
    throw new RuntimeFailure(
      `${action.type} ${action.id} of ${env.context.thread}: ${describeUnpublishable(problems)}; nothing was sent: mend the file, then run leanos resume ${env.context.thread}`,
    );
  }
  return documents.flatMap(({ file, text, parts }) =>
    parts.map((part) => ({
      by: draftedMark(file, text),
      channel: isPromotion ? "linkedin" : file.replace(/^.*\//, "").replace(/(-act-\d+)?\.md$/, ""),
      day: part.day,
      body: part.body,
      scheduled_for: part.day > 0 ? addDays(env.context.today, part.day) : undefined,
    })),
  );
}

import pc from "picocolors";
import { withRuntime, type ChatIO, type ChatOptions } from "./chatIO.js";

// What a chat line asks besides an answer: a new event handed over, a thread corrected.

/** Starts a thread for an event typed in the session and says where it stands. */
export async function startEvent(options: ChatOptions, io: ChatIO, text: string): Promise<void> {
  io.say(pc.bold(`New event: ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`));
  const result = await withRuntime(options, io, async (runtime) => {
    const { readEvent } = await import("../stages/readEvent.js");
    return runtime.startEvent(
      await readEvent({
        text,
        source: "leanos chat",
        today: runtime.now().toISOString().slice(0, 10),
        maxBytes: runtime.maxEventBytes,
      }),
    );
  });
  io.say(
    `Thread ${result.thread}: ${result.state}${result.pending.length > 0 ? `, waits at ${result.pending.map((entry) => entry.kind).join(", ")}` : ""}`,
  );
  io.record?.({ event: text, thread: result.thread, state: result.state, pending: result.pending });
}

/** Corrects a thread's reading (`correct THREAD {JSON}`) and says where it stands. */
export async function correctThread(options: ChatOptions, io: ChatIO, thread: string, edit: string): Promise<void> {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(edit) as Record<string, unknown>;
  } catch {
    io.say(`That correction is not valid JSON; write it as correct THREAD {"type":"sales"}.`);
    return;
  }
  const result = await withRuntime(options, io, (runtime) => runtime.correct(thread, fields, { by: options.by }));
  io.say(
    `Corrected ${Object.keys(fields).join(", ")}. Thread ${result.thread}: ${result.state}${result.pending.length > 0 ? `, waits at ${result.pending.map((entry) => entry.kind).join(", ")}` : ""}`,
  );
  io.record?.({ correct: thread, fields, thread: result.thread, state: result.state, pending: result.pending });
}

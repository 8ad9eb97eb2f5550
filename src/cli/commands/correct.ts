import { Command } from "commander";
import { UsageError } from "../../errors.js";
import { who } from "../session.js";

/** --edit -: the correction's JSON from stdin, read no further than a correction may be. */
async function stdinEdit(): Promise<string> {
  const { MAX_CORRECTION_BYTES } = await import("../../core/reading.js");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > MAX_CORRECTION_BYTES) {
      process.stdin.destroy();
      throw new UsageError(
        `--edit -: the correction on stdin is over ${MAX_CORRECTION_BYTES / 1024} KB; a correction holds at most ${MAX_CORRECTION_BYTES / 1024} KB (a reading's fields, not a document)`,
      );
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The JSON of --edit, read as an object (the graph refuses anything else too, in its own words). */
function editOf(text: string): Record<string, unknown> {
  let edit: unknown;
  try {
    edit = JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`--edit: not valid JSON: ${text.length > 200 ? `${text.slice(0, 200)}...` : text}`);
  }
  if (edit === null || typeof edit !== "object" || Array.isArray(edit))
    throw new UsageError(
      "--edit needs a JSON object of the reading's fields to correct (type, assumptions, verdict, facts)",
    );
  return edit as Record<string, unknown>;
}

export function correctCommand(): Command {
  return new Command("correct")
    .description(
      "correct what the drafter read of a thread (its type, the assumptions tested, the verdict, the amounts, the goal it serves); before the thread acts it is drafted again from the first corrected stage (a goal link alone is set as it is)",
    )
    .argument("<thread>", "the thread (slug or unique prefix)")
    .requiredOption(
      "-e, --edit <json>",
      "the corrected fields: type, assumptions [{id, direction}], verdict, facts [{kind, text, value}], goal (an active goal's id, or null); - reads them from stdin",
    )
    .option("-r, --reason <text>", "why, in your words (recorded with the correction)")
    .addHelpText(
      "after",
      [
        "",
        "Before the thread has acted (no action run, nothing answered after the decision), the stages from the",
        "first corrected one are drafted again and the decision asks again; a new type moves the thread to its",
        "type's folder. After it has acted, the correction is recorded on the thread and nothing is undone.",
        "Either way it counts as a correction of the drafter (leanos trust).",
        "The goal a thread serves (an active goal's id, or null for none) is set as it is, before or after the",
        'thread acts, and nothing is drafted again: leanos correct elsaai --edit \'{"goal":"g-mrr-5k"}\'.',
        "",
        "Examples:",
        `  leanos correct elsaai --edit '{"assumptions":[{"id":"A4","direction":"challenges"}]}' --reason "one deal is thin evidence"`,
        `  leanos correct elsaai --edit '{"type":"business"}' --reason "a partnership, not a sale"`,
        `  leanos correct elsaai --edit '{"verdict":"DEFER"}'`,
        `  echo '{"verdict":"DEFER"}' | leanos correct elsaai --edit -`,
      ].join("\n"),
    )
    .action(async (thread: string, options: { edit: string; reason?: string }, command: Command) => {
      const edit = editOf(options.edit === "-" ? await stdinEdit() : options.edit);
      if (options.reason !== undefined && options.reason.trim().length === 0)
        throw new UsageError("--reason must say why (it is recorded with the correction); leave it out to record none");
      const [{ formatCorrected }, { withThreads }] = await Promise.all([
        import("../format.js"),
        import("../session.js"),
      ]);
      // Through a server the graph's correction node checks it, and who made it is the token's user.
      await withThreads(
        command,
        (threads) =>
          threads.correct(thread, edit, { by: who(), ...(options.reason ? { reason: options.reason.trim() } : {}) }),
        formatCorrected,
      );
    });
}

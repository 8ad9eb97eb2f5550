import pc from "picocolors";
import { shownPaths, type ProgressPlace } from "../files/shownPaths.js";
import type { ProgressEvent } from "../graph/builder.js";

/**
 * Progress lines on stderr, so stdout stays clean for --json. `place` is asked when a step is done:
 * the workspace is known by then, though not yet when the printer is made.
 */
export function progressPrinter(
  place: () => ProgressPlace | undefined,
  stream: NodeJS.WriteStream = process.stderr,
): (event: ProgressEvent) => void {
  return (event) => {
    switch (event.kind) {
      case "stage-start":
        stream.write(pc.dim(`  … ${event.stage}: drafting\n`));
        break;
      case "stage-done": {
        const where = place();
        const files = where ? shownPaths(where, event.thread, event.files) : [];
        stream.write(`  ${pc.green("✓")} ${event.stage.padEnd(12)}${files.length > 0 ? ` ${files.join(", ")}` : ""}\n`);
        break;
      }
      case "gate":
        stream.write(`  ${pc.cyan("→")} ${event.stage} gate: ${event.detail}\n`);
        break;
      case "answered":
        stream.write(`  ${pc.cyan("→")} ${event.stage}${event.item ? ` ${event.item}` : ""}: ${event.answer}\n`);
        break;
    }
  };
}

import pc from "picocolors";
import type { ProgressEvent } from "../graph/builder.js";

/** Progress lines on stderr, so stdout stays clean for --json. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (event: ProgressEvent) => void {
  return (event) => {
    switch (event.kind) {
      case "stage-start":
        stream.write(pc.dim(`  … ${event.stage}: drafting\n`));
        break;
      case "stage-done":
        stream.write(`  ${pc.green("✓")} ${event.stage.padEnd(12)} ${event.files.map((file) => `${event.thread}/${file}`).join(", ")}\n`);
        break;
      case "gate":
        stream.write(`  ${pc.cyan("→")} ${event.stage} gate: ${event.detail}\n`);
        break;
      case "answered":
        stream.write(`  ${pc.cyan("→")} ${event.stage}${event.item ? ` ${event.item}` : ""}: ${event.answer}\n`);
        break;
    }
  };
}

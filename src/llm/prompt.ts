import { readFileSync } from "node:fs";
import { renderPlain } from "../files/plainTemplate.js";
import { sectionText, type Canvas } from "../canvas/canvas.js";
import { toolPath } from "../files/toolRoot.js";

const cache = new Map<string, string>();
function promptTemplate(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(toolPath("prompts", `${name}.md`), "utf8");
    cache.set(name, text);
  }
  return text;
}

export function render(name: string, view: object): string {
  return renderPlain(promptTemplate(name), view);
}

/** The company's name: a `**Company:**` line in 01-context.md, else its first CamelCase brand word. */
export function companyName(canvas: Canvas): string {
  const context = sectionText(canvas, "context");
  return (
    /\*\*Company:\*\*\s*(.+?)\s*$/m.exec(context)?.[1] ??
    /\b([A-Z][a-z]+[A-Z][A-Za-z]*)\b/.exec(context)?.[1] ??
    "the company"
  );
}

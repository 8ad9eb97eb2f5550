import { readFileSync } from "node:fs";
import { renderPlain } from "../files/plainTemplate.js";
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

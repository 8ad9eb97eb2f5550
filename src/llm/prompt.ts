import { readFileSync } from "node:fs";
import Mustache from "mustache";
import { stringify as toYaml } from "yaml";
import { canvasExcerpt, type Canvas } from "../canvas/canvas.js";
import { toolPath } from "../files/toolRoot.js";
import type { StageContext } from "../stages/context.js";

export interface PromptMessages {
  /** The stable prefix (preamble and canvas): the same for every stage of a thread, so it is cached. */
  system: string;
  /** The stage's instructions, the event and the earlier stages. */
  user: string;
}

const cache = new Map<string, string>();
export function promptTemplate(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(toolPath("prompts", `${name}.md`), "utf8");
    cache.set(name, text);
  }
  return text;
}

export function render(name: string, view: object): string {
  return Mustache.render(promptTemplate(name), view);
}

/** The company's name: a `**Company:**` line in 01-context.md, else its first CamelCase brand word. */
export function companyName(canvas: Canvas): string {
  const context = canvas.sections.get("01-context")?.text ?? "";
  return /\*\*Company:\*\*\s*(.+?)\s*$/m.exec(context)?.[1] ?? /\b([A-Z][a-z]+[A-Z][A-Za-z]*)\b/.exec(context)?.[1] ?? "the company";
}

/** Every canvas section goes into the cached prefix; a stage's own sections are named in its instructions. */
export function buildStageMessages(context: StageContext): PromptMessages {
  const { canvas, skill } = context;
  const system = render("system", {
    company: companyName(canvas),
    mode: canvas.mode,
    canvas: canvasExcerpt(canvas, [...canvas.sections.keys()]),
  });
  const earlier = Object.entries(context.outputs)
    .map(([name, output]) => `### ${name}\n\`\`\`yaml\n${toYaml(output).trim()}\n\`\`\``)
    .join("\n\n");
  const allowed = [
    `assumption ids: ${canvas.assumptions.map((assumption) => assumption.id).join(", ") || "(none)"}`,
    `action types: ${[...context.actionTemplates.keys()].join(", ") || "(none)"}`,
    ...(skill.stage.sections ? [`sections to fill: ${skill.stage.sections.join(", ")}`] : []),
    ...(skill.stage.canvas ? [`canvas sections most relevant here: ${skill.stage.canvas.join(", ")}`] : []),
  ].join("\n");
  const user = render("stage", {
    stage: skill.stage.stage,
    skill: skill.name,
    thread: context.thread,
    type: context.type,
    today: context.today,
    instructions: skill.body,
    event: context.event,
    earlier,
    allowed,
    feedback: context.feedback,
  });
  return { system, user };
}

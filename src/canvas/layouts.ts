import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { toolPath } from "../files/toolRoot.js";
import { CANVAS_ROLES } from "./roles.js";

// The canvas layouts leanos reads (canvas/layouts.yaml): LeanOS's guide, LeanOS's dot-named layout,
// and leanos's earlier names. Each file name has a role, and code asks for a section by its role.

export const CanvasRole = z.enum(CANVAS_ROLES);
export type CanvasRole = z.infer<typeof CanvasRole>;

/** The roles a canvas cannot do without: the mode sets every threshold, and events are tested against the assumptions. */
export const REQUIRED_ROLES: readonly CanvasRole[] = ["mode", "assumptions"];

const LayoutName = z.enum(["lean-os", "lean-os-dot", "leanos-earlier"]);
export type LayoutName = z.infer<typeof LayoutName>;

const Layouts = z.object({
  roles: z.record(CanvasRole, z.string()),
  layouts: z
    .array(
      z.object({
        name: LayoutName,
        says: z.string(),
        files: z.record(z.string().regex(/^\d{2}[-.][a-z0-9-]+$/), CanvasRole),
      }),
    )
    .min(1),
});
export type Layout = z.infer<typeof Layouts>["layouts"][number];

let loaded: z.infer<typeof Layouts> | undefined;

function layoutsData(): z.infer<typeof Layouts> {
  loaded ??= Layouts.parse(parseYaml(readFileSync(toolPath("canvas", "layouts.yaml"), "utf8")));
  return loaded;
}

export const canvasLayouts = (): readonly Layout[] => layoutsData().layouts;

/** What a role's section holds, in a few words (for messages). */
export const roleSays = (role: CanvasRole): string => layoutsData().roles[role] ?? role;

/** The layout `leanos init` lays out by name. */
export function layoutNamed(name: LayoutName): Layout {
  return canvasLayouts().find((layout) => layout.name === name)!;
}

/** The role of a file stem in any layout, or undefined for a file no layout names. */
export function roleOfStem(stem: string): CanvasRole | undefined {
  for (const layout of canvasLayouts()) {
    const role = layout.files[stem];
    if (role) return role;
  }
  return undefined;
}

/** The file names each layout gives a role, for a message saying what was looked for. */
export const stemsOf = (role: CanvasRole): string[] => [
  ...new Set(
    canvasLayouts().flatMap((layout) =>
      Object.entries(layout.files).flatMap(([stem, of]) => (of === role ? [`${stem}.md`] : [])),
    ),
  ),
];

/** The layout most of the canvas's files belong to (the first listed wins a tie). */
export function layoutOf(stems: readonly string[]): Layout {
  const layouts = canvasLayouts();
  const score = (layout: Layout) => stems.filter((stem) => layout.files[stem] !== undefined).length;
  return layouts.reduce((best, layout) => (score(layout) > score(best) ? layout : best), layouts[0]!);
}

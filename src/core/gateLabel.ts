import type { GateKind } from "./gateKind.js";

/** How a gate is named to a person: a stage gate by its stage ("decision"), the others by what each item is. */
export function gateLabel(item: { kind: GateKind; stage: string }): string {
  if (item.kind === "impact" || item.kind === "always") return item.stage;
  return item.kind === "actions" ? "action" : item.kind === "opportunities" ? "opportunity" : "canvas";
}

import { z, type ZodType } from "zod";
import { stageOutputSchemas, ThreadType, type OutputSchemaName } from "../stages/schemas.js";

// The tools every request of the flow sends, always the same and in the same order, since they are
// the first part of the prompt cache's prefix: a request with other tools would read nothing. The
// request names the one tool it wants (layout.ts); the answer is validated against that tool's schema.

export const Classified = z.object({ type: ThreadType, title: z.string().min(3).max(120) });
export type Classified = z.infer<typeof Classified>;

export const WrittenDocuments = z.object({
  documents: z.array(z.object({ name: z.string().min(1), text: z.string().min(1) })).min(1),
});
export type WrittenDocuments = z.infer<typeof WrittenDocuments>;

export const stageToolName = (output: OutputSchemaName): string => `${output}_stage_output`;

interface FlowTool {
  name: string;
  description: string;
  schema: ZodType;
}

const flowTools: FlowTool[] = [
  { name: "classify_event", description: "Classify a new event: its thread type and a short factual title.", schema: Classified },
  ...(Object.keys(stageOutputSchemas) as OutputSchemaName[]).map((name) => ({
    name: stageToolName(name),
    description: `Record the ${name} output of a stage.`,
    schema: stageOutputSchemas[name] as ZodType,
  })),
  { name: "write_documents", description: "Return the finished documents of an action, each under its own name.", schema: WrittenDocuments },
];

/** A tool's schema, for validating what a model answered. */
export function toolSchema(name: string): ZodType | undefined {
  return flowTools.find((tool) => tool.name === name)?.schema;
}

export interface ToolDefinition {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

let definitions: ToolDefinition[] | undefined;

/** The tools as JSON Schema function definitions, which every LangChain chat model binds. */
export function flowToolDefinitions(): ToolDefinition[] {
  definitions ??= flowTools.map((tool) => {
    const { $schema: _dialect, ...parameters } = z.toJSONSchema(tool.schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    return { type: "function", function: { name: tool.name, description: tool.description, parameters } };
  });
  return definitions;
}

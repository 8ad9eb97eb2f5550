import { z, type ZodType } from "zod";
import { stageOutputSchemasFor, threadTypeIn, type OutputSchemaName } from "../core/stageSchemas.js";
import { DEFAULT_THREAD_TYPES, type ThreadTypes } from "../core/threadTypes.js";

// The tools every request of the flow sends, always the same and in the same order, since they are
// the first part of the prompt cache's prefix: a request with other tools would read nothing. The
// request names the one tool it wants (layout.ts); the answer is validated against that tool's schema.
// A thread type in them is one of the types the workspace writes (its name of business, and the
// types its settings declare), so the tools are the same for every call of one workspace.

/** What classify_event answers: a type the workspace knows (either name of business is taken), and a title. */
export function classifiedIn(types: ThreadTypes, names: readonly string[] = types.known) {
  return z.object({ type: threadTypeIn(types, names), title: z.string().min(3).max(120) });
}
export const Classified = classifiedIn(DEFAULT_THREAD_TYPES);
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

/** The flow's tools for a workspace of these types: the types offered are those it writes. */
function flowTools(types: ThreadTypes): FlowTool[] {
  const schemas = stageOutputSchemasFor(types, types.names);
  return [
    {
      name: "classify_event",
      description: "Classify a new event: its thread type and a short factual title.",
      schema: classifiedIn(types, types.names),
    },
    ...(Object.keys(schemas) as OutputSchemaName[]).map((name) => ({
      name: stageToolName(name),
      description: `Record the ${name} output of a stage.`,
      schema: schemas[name] as ZodType,
    })),
    {
      name: "write_documents",
      description: "Return the finished documents of an action, each under its own name.",
      schema: WrittenDocuments,
    },
  ];
}

const toolsByTypes = new Map<string, FlowTool[]>();
const toolsOf = (types: ThreadTypes): FlowTool[] => {
  const key = types.names.join(",");
  let tools = toolsByTypes.get(key);
  if (!tools) toolsByTypes.set(key, (tools = flowTools(types)));
  return tools;
};

/** A tool's schema, for asking a model for JSON of it (model_output: json_schema). */
export function toolSchema(name: string, types: ThreadTypes): ZodType | undefined {
  return toolsOf(types).find((tool) => tool.name === name)?.schema;
}

export interface ToolDefinition {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

const definitions = new Map<string, ToolDefinition[]>();

/** The tools as JSON Schema function definitions, which every LangChain chat model binds (built once per workspace's types). */
export function flowToolDefinitions(types: ThreadTypes): ToolDefinition[] {
  const key = types.names.join(",");
  let made = definitions.get(key);
  if (!made) {
    made = toolsOf(types).map((tool) => {
      const { $schema: _dialect, ...parameters } = z.toJSONSchema(tool.schema, {
        io: "input",
        unrepresentable: "any",
      }) as Record<string, unknown>;
      return { type: "function", function: { name: tool.name, description: tool.description, parameters } };
    });
    definitions.set(key, made);
  }
  return made;
}

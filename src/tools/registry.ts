import { z } from 'zod';
import type { ToolResult, ToolSpec } from '../llm/types';
import type { Workspace } from './workspace';

export interface ToolContext {
  workspace: Workspace;
  /**
   * Stable across retries of the same call, re-plans and continue-as-new:
   * `<workflow id>/step-<id>/turn-<n>/call-<i>`.
   */
  idempotencyKey: string;
  /**
   * Wrap a side effect in this: its result is stored under the idempotency key, and a retried call that
   * already did the work gets the stored result instead of doing it again.
   */
  idempotent: (work: () => Promise<string>) => Promise<string>;
  signal: AbortSignal;
}

export interface Tool<Input = unknown> {
  name: string;
  description: string;
  input: z.ZodType<Input>;
  run(input: Input, context: ToolContext): Promise<string>;
}

/** Define a tool with its input type inferred from the zod schema. */
export function defineTool<S extends z.ZodType>(tool: {
  name: string;
  description: string;
  input: S;
  run(input: z.output<S>, context: ToolContext): Promise<string>;
}): Tool<z.output<S>> {
  return tool as unknown as Tool<z.output<S>>;
}

// Tools differ in input type; the registry only hands each tool input its own schema has parsed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = Tool<any>;

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  /** The specs shown to the model, made once: zod to JSON Schema costs milliseconds per tool. */
  private specCache: ToolSpec[] | undefined;

  register(...tools: AnyTool[]): this {
    for (const tool of tools) {
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) throw new Error(`Invalid tool name "${tool.name}"`);
      if (this.tools.has(tool.name)) throw new Error(`Tool "${tool.name}" is registered twice`);
      this.tools.set(tool.name, tool);
    }
    this.specCache = undefined;
    return this;
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  /** The tool list the model sees: names, descriptions and JSON schemas made from the zod schemas. */
  specs(): ToolSpec[] {
    this.specCache ??= [...this.tools.values()].map((tool) => {
      const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<
        string,
        unknown
      >;
      return { name: tool.name, description: tool.description, inputSchema: schema };
    });
    return this.specCache;
  }

  /**
   * Run a tool. Every failure a model can act on (unknown tool, bad input, refused path, handler error)
   * comes back as an error result for the model to see, never as a thrown error that would end the run.
   */
  async call(name: string, input: unknown, context: ToolContext, toolCallId: string): Promise<ToolResult> {
    const tool = this.tools.get(name);
    if (!tool) {
      return error(toolCallId, `Unknown tool "${name}". Available tools: ${this.names().join(', ')}.`);
    }
    const parsed = tool.input.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`)
        .join('; ');
      return error(toolCallId, `Invalid input for tool "${name}": ${problems}`);
    }
    try {
      return { toolCallId, content: await tool.run(parsed.data, context), isError: false };
    } catch (err) {
      if (context.signal.aborted) throw err;
      return error(toolCallId, `Tool "${name}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function error(toolCallId: string, content: string): ToolResult {
  return { toolCallId, content, isError: true };
}

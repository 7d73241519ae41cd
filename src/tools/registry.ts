import { z } from 'zod';
import type { ToolResult, ToolSpec } from '../llm/types';
import {
  DEFAULT_TOOL_TIMEOUT_SECONDS,
  defaultPolicyFor,
  type AnyTool,
  type Tool,
  type ToolContext,
} from './tool';
import type { ToolDescriptor } from './descriptor';

export {
  defineTool,
  type AnyTool,
  type Tool,
  type ToolContext,
  type ToolKind,
  type ToolPolicy,
  type ToolProgress,
} from './tool';

export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** Tools defined with the tool API (built-ins and users' modules), run in the worker's process. */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  /** What `source` says in descriptors, per tool: "built-in" or the module it came from. */
  private readonly sources = new Map<string, string>();
  /** The specs shown to the model, made once: zod to JSON Schema costs milliseconds per tool. */
  private descriptorCache: ToolDescriptor[] | undefined;

  register(...tools: AnyTool[]): this {
    return this.registerFrom('built-in', ...tools);
  }

  /** Register tools and say where they came from (a module path), for error messages and the catalogue. */
  registerFrom(source: string, ...tools: AnyTool[]): this {
    for (const tool of tools) {
      if (!TOOL_NAME_PATTERN.test(tool.name)) {
        throw new Error(
          `Invalid tool name "${tool.name}" (${source}): use letters, digits, "_" and "-", at most 64`,
        );
      }
      if (this.tools.has(tool.name)) {
        throw new Error(
          `Tool "${tool.name}" is registered twice (${this.sources.get(tool.name)} and ${source}); rename one`,
        );
      }
      this.tools.set(tool.name, tool);
      this.sources.set(tool.name, source);
    }
    this.descriptorCache = undefined;
    return this;
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  /** Every tool as the catalogue lists it, with its JSON schema made from its zod schema. */
  descriptors(): ToolDescriptor[] {
    this.descriptorCache ??= [...this.tools.values()].map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: jsonSchemaOf(tool),
      kind: tool.kind,
      timeoutSeconds: tool.timeoutSeconds ?? DEFAULT_TOOL_TIMEOUT_SECONDS,
      honoursIdempotencyKey: tool.honoursIdempotencyKey ?? false,
      defaultPolicy: tool.policy ?? defaultPolicyFor(tool.kind),
      reportsProgress: false,
      source: this.sources.get(tool.name) ?? 'built-in',
    }));
    return this.descriptorCache;
  }

  /** The tool list the model sees: names, descriptions and JSON schemas. */
  specs(): ToolSpec[] {
    return this.descriptors().map((d) => ({
      name: d.name,
      description: d.description,
      inputSchema: d.inputSchema,
    }));
  }

  /**
   * Run a tool. Every failure a model can act on (unknown tool, bad input, refused path, handler error,
   * timeout) comes back as an error result for the model to see, never as a thrown error that would end
   * the run. Only cancellation is thrown.
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
    const seconds = tool.timeoutSeconds ?? DEFAULT_TOOL_TIMEOUT_SECONDS;
    const timeout = AbortSignal.timeout(seconds * 1_000);
    const signal = AbortSignal.any([context.signal, timeout]);
    try {
      const content = await Promise.race([
        tool.run(parsed.data, { ...context, signal }),
        new Promise<never>((_, reject) => {
          const stop = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          if (signal.aborted) stop();
          else signal.addEventListener('abort', stop, { once: true });
        }),
      ]);
      return { toolCallId, content, isError: false };
    } catch (err) {
      if (context.signal.aborted) throw err;
      if (timeout.aborted) {
        return error(toolCallId, `Tool "${name}" timed out after ${seconds} s (its timeoutSeconds).`);
      }
      return error(toolCallId, `Tool "${name}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function jsonSchemaOf(tool: Tool): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return schema;
}

function error(toolCallId: string, content: string): ToolResult {
  return { toolCallId, content, isError: true };
}

/**
 * Users' own tool modules, loaded by path into the worker. A module exports its tools as
 * `export default defineTool({...})`, `export default [toolA, toolB]` or `export const tools = [...]`.
 * TypeScript modules load when the worker runs under tsx (npm run worker); plain node takes .js/.cjs/.mjs.
 */
import path from 'node:path';
import { TOOL_KINDS, TOOL_POLICIES, type AnyTool } from './tool';

export class ToolModuleError extends Error {
  override readonly name = 'ToolModuleError';
}

export function loadToolModule(file: string): AnyTool[] {
  const absolute = path.resolve(file);
  let loaded: Record<string, unknown>;
  try {
    // require, not import(): it loads TypeScript under tsx and ts-jest alike, and ES modules on Node ≥ 20.19.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(absolute) as Record<string, unknown>;
  } catch (err) {
    throw new ToolModuleError(`Tool module ${absolute} could not be loaded: ${(err as Error).message}`);
  }
  const exported = loaded.tools ?? loaded.default;
  const candidates = Array.isArray(exported) ? (exported as unknown[]) : exported ? [exported] : [];
  if (candidates.length === 0) {
    throw new ToolModuleError(
      `Tool module ${absolute} exports no tools: use \`export default defineTool({...})\` or \`export const tools = [...]\``,
    );
  }
  return candidates.map((candidate, index) => checkTool(candidate, `${absolute} (tool ${index + 1})`));
}

/** What defineTool gives, checked field by field so a mistake names the module, the tool and the field. */
function checkTool(value: unknown, where: string): AnyTool {
  if (typeof value !== 'object' || value === null) throw new ToolModuleError(`${where}: not a tool object`);
  const tool = value as Record<string, unknown>;
  const name = typeof tool.name === 'string' ? tool.name : undefined;
  const at = name ? `${where} "${name}"` : where;
  const problems: string[] = [];
  if (!name) problems.push('name must be a string');
  if (typeof tool.description !== 'string' || tool.description.trim() === '')
    problems.push('description must be a non-empty string');
  if (typeof (tool.input as { safeParse?: unknown } | undefined)?.safeParse !== 'function')
    problems.push('input must be a zod schema');
  if (!TOOL_KINDS.includes(tool.kind as never)) problems.push(`kind must be one of ${TOOL_KINDS.join(', ')}`);
  if (typeof tool.run !== 'function') problems.push('run must be a function');
  if (
    tool.timeoutSeconds !== undefined &&
    !(typeof tool.timeoutSeconds === 'number' && tool.timeoutSeconds > 0)
  )
    problems.push('timeoutSeconds must be a positive number');
  if (tool.policy !== undefined && !TOOL_POLICIES.includes(tool.policy as never))
    problems.push(`policy must be one of ${TOOL_POLICIES.join(', ')}`);
  if (tool.honoursIdempotencyKey !== undefined && typeof tool.honoursIdempotencyKey !== 'boolean')
    problems.push('honoursIdempotencyKey must be true or false');
  if (problems.length > 0) throw new ToolModuleError(`${at}: ${problems.join('; ')}`);
  return value as AnyTool;
}

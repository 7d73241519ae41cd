/**
 * MCP server entries, in the shape users' config files already have (Claude Desktop, Claude Code, Cursor):
 * `{"mcpServers": {"NAME": {"command": ..., "args": [...], "env": {...}, "cwd": ...}}}` for stdio servers and
 * `{"mcpServers": {"NAME": {"url": ..., "headers": {...}}}}` for Streamable HTTP ones. Values may name
 * environment variables as `${VAR}` (or `${env:VAR}`), so secrets stay out of the file. Every problem names
 * the entry and the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../../../workflows/schemas';

/** Server names become tool-name prefixes (`NAME__TOOL`): letters, digits, "-" and single "_". */
export const SERVER_NAME_PATTERN = /^(?!.*__)[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

const common = {
  /** Skip this server (as other clients do). */
  disabled: z.boolean().default(false),
  /** How long one call may take (default 60 s). */
  timeoutSeconds: z.number().positive().max(86_400).optional(),
  /** The server does a side-effecting tool's effect once per `_meta.idempotencyKey`: retry such calls. */
  honoursIdempotencyKey: z.boolean().default(false),
};

const StdioEntrySchema = z
  .object({
    type: z.literal('stdio').optional(),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().min(1).optional(),
    ...common,
  })
  .strict();

const HttpEntrySchema = z
  .object({
    type: z.enum(['http', 'streamable-http', 'streamableHttp']).optional(),
    url: z.url({ message: 'must be a URL such as http://127.0.0.1:3001/mcp' }),
    headers: z.record(z.string(), z.string()).default({}),
    ...common,
  })
  .strict();

export type StdioServerEntry = z.output<typeof StdioEntrySchema> & { transport: 'stdio' };
export type HttpServerEntry = z.output<typeof HttpEntrySchema> & { transport: 'http' };
export type McpServerEntry = (StdioServerEntry | HttpServerEntry) & {
  name: string;
  /** "mcpServers.NAME in FILE": how error messages point at the entry. */
  where: string;
};

export class McpConfigError extends Error {
  override readonly name = 'McpConfigError';
}

/** Read an MCP config file: `{"mcpServers": {...}}`. */
export function loadMcpConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): McpServerEntry[] {
  const absolute = path.resolve(file);
  const raw = readJsonFile(absolute, 'MCP config');
  if (!isObject(raw) || !('mcpServers' in raw)) {
    throw new McpConfigError(
      `MCP config ${absolute} must be a JSON object with "mcpServers": {"NAME": {"command": ...} or {"url": ...}}`,
    );
  }
  const extra = Object.keys(raw).filter((k) => k !== 'mcpServers');
  if (extra.length > 0) {
    throw new McpConfigError(
      `MCP config ${absolute}: unknown top-level key(s) ${extra.map((k) => `"${k}"`).join(', ')}; the file holds only "mcpServers"`,
    );
  }
  return parseMcpServers(raw.mcpServers, absolute, env);
}

/** Parse the `mcpServers` object of a config file (an MCP config or the tools config). */
export function parseMcpServers(value: unknown, file: string, env: NodeJS.ProcessEnv): McpServerEntry[] {
  if (!isObject(value)) throw new McpConfigError(`${file}: "mcpServers" must be an object of named servers`);
  return Object.entries(value).map(([name, entry]) => parseEntry(name, entry, file, env));
}

function parseEntry(name: string, entry: unknown, file: string, env: NodeJS.ProcessEnv): McpServerEntry {
  const where = `mcpServers.${name} in ${file}`;
  if (!SERVER_NAME_PATTERN.test(name)) {
    throw new McpConfigError(
      `${where}: the server name must be letters, digits, "-" and "_" (no "__"), at most 32, starting with a letter or digit; its tools are offered as ${name}__TOOL`,
    );
  }
  if (!isObject(entry)) throw new McpConfigError(`${where}: must be an object`);
  if (entry.type === 'sse') {
    throw new McpConfigError(
      `${where}: the SSE transport is not supported; give the server's Streamable HTTP "url" instead`,
    );
  }
  const expanded = expandVariables(entry, where, env) as Record<string, unknown>;
  if ('command' in expanded) {
    const parsed = StdioEntrySchema.safeParse(expanded);
    if (!parsed.success) {
      throw new McpConfigError(
        `${where}: ${describeZodError(parsed.error, { schema: StdioEntrySchema, input: expanded })}`,
      );
    }
    const cwd = parsed.data.cwd && path.resolve(path.dirname(file), parsed.data.cwd);
    return { ...parsed.data, ...(cwd ? { cwd } : {}), transport: 'stdio', name, where };
  }
  if ('url' in expanded) {
    const parsed = HttpEntrySchema.safeParse(expanded);
    if (!parsed.success) {
      throw new McpConfigError(
        `${where}: ${describeZodError(parsed.error, { schema: HttpEntrySchema, input: expanded })}`,
      );
    }

    return { ...parsed.data, transport: 'http', name, where };
  }
  throw new McpConfigError(
    `${where}: needs "command" (a stdio server started by the worker) or "url" (a Streamable HTTP server)`,
  );
}

/** Replace `${VAR}` and `${env:VAR}` in every string of `value` with the variable's value. */
function expandVariables(value: unknown, where: string, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => {
      const found = env[variable];
      if (found === undefined) {
        throw new McpConfigError(`${where}: names the environment variable ${variable}, which is not set`);
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v) => expandVariables(v, where, env));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandVariables(v, where, env)]));
  }
  return value;
}

export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new McpConfigError(`${what} ${file} cannot be read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new McpConfigError(`${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

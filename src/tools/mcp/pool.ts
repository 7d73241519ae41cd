/**
 * Every MCP server a worker is configured with, one connection each, and their tools as the worker offers
 * them: `NAME__TOOL`, with a kind and a default policy read from the tool's annotations.
 */
import { createHash } from 'node:crypto';
import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDescriptor } from '../descriptor';
import { DEFAULT_TOOL_TIMEOUT_SECONDS, type ToolKind } from '../tool';
import type { McpServerEntry } from './config';
import { McpServerConnection, type McpCallOptions } from './connection';

/** A tool of an MCP server as the worker offers it. */
export interface McpToolHandle {
  connection: McpServerConnection;
  /** The tool's name on its server. */
  serverTool: string;
  descriptor: ToolDescriptor;
}

export class McpPool {
  readonly connections: McpServerConnection[];

  constructor(entries: McpServerEntry[], log: (line: string) => void = () => undefined) {
    this.connections = entries.filter((e) => !e.disabled).map((entry) => new McpServerConnection(entry, log));
  }

  /**
   * Start every server and list its tools, so the first run does not wait for them. Failures are only
   * logged here (the server may come up later); a run that needs the tools gets the error then.
   */
  warmUp(log: (line: string) => void): Promise<void> {
    return Promise.all(
      this.connections.map((c) =>
        c.tools().then(
          (tools) => log(`${c.label()}: ${tools.length} tools`),
          (err: unknown) => log(`${err instanceof Error ? err.message : String(err)}`),
        ),
      ),
    ).then(() => undefined);
  }

  /** Every server's tools. A server that cannot start or answer fails this with its name and entry. */
  async tools(): Promise<McpToolHandle[]> {
    const listed = await Promise.allSettled(this.connections.map((c) => this.toolsOf(c)));
    const failures = listed.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []));
    if (failures.length > 0) throw new Error(failures.join('\n'));
    return listed.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  }

  /** The tool offered as `exposed`, as its server lists it now; undefined if no server offers it. */
  async find(exposed: string): Promise<McpToolHandle | undefined> {
    const connection = this.connections.find((c) => exposed.startsWith(`${c.name}__`));
    if (!connection) return undefined;
    return (await this.toolsOf(connection)).find((t) => t.descriptor.name === exposed);
  }

  call(handle: McpToolHandle, args: Record<string, unknown>, options: McpCallOptions) {
    return handle.connection.call(handle.serverTool, args, options);
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.close()));
  }

  private async toolsOf(connection: McpServerConnection): Promise<McpToolHandle[]> {
    const tools = await connection.tools();
    const taken = new Set<string>();
    return tools.map((tool) => {
      const exposed = exposedName(connection.name, tool.name, taken);
      taken.add(exposed);
      return { connection, serverTool: tool.name, descriptor: describe(connection.entry, tool, exposed) };
    });
  }
}

/**
 * `SERVER__TOOL`, in the characters model APIs accept (letters, digits, "_", "-"; at most 64). A name that
 * had to be changed, or clashes with one already taken, gets a short hash of the original appended.
 */
export function exposedName(server: string, tool: string, taken: ReadonlySet<string> = new Set()): string {
  const plain = `${server}__${tool}`;
  if (/^[A-Za-z0-9_-]{1,64}$/.test(plain) && !taken.has(plain)) return plain;
  const hash = createHash('sha256').update(plain).digest('hex').slice(0, 8);
  const safe = `${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 55);
  return `${safe}_${hash}`;
}

/**
 * Kind and default policy from the tool's annotations, read as the MCP specification defines them: a tool
 * is destructive unless it says it is read-only or not destructive, and only idempotent when it says so.
 */
function describe(entry: McpServerEntry, tool: McpTool, exposed: string): ToolDescriptor {
  const hints = tool.annotations ?? {};
  const kind: ToolKind = hints.readOnlyHint
    ? 'read-only'
    : hints.idempotentHint
      ? 'idempotent'
      : 'side-effect';
  const destructive = !hints.readOnlyHint && hints.destructiveHint !== false;
  return {
    name: exposed,
    description: tool.description ?? tool.title ?? `Tool ${tool.name} of the MCP server ${entry.name}`,
    inputSchema: tool.inputSchema,
    kind,
    timeoutSeconds: entry.timeoutSeconds ?? DEFAULT_TOOL_TIMEOUT_SECONDS,
    honoursIdempotencyKey: entry.honoursIdempotencyKey,
    defaultPolicy: destructive ? 'ask' : 'allow',
    reportsProgress: true,
    source: `MCP server ${entry.name}`,
  };
}

function errorMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * One MCP server, as the worker holds it: a client connected once and reused by every call, its tool list
 * cached until the server says it changed, a stdio server that died started again on the next use, and
 * errors that name the server and the config entry it came from.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerEntry } from './config';

/** How long a server may take to start and answer `initialize`. */
export const MCP_CONNECT_TIMEOUT_MS = 30_000;
const STDERR_TAIL_CHARS = 2_000;

/** The server could not be reached, or went away during a call: a retry may help. */
export class McpServerError extends Error {
  override readonly name = 'McpServerError';
}

export interface McpCallOptions {
  signal: AbortSignal;
  timeoutMs: number;
  idempotencyKey: string;
  onProgress: (update: { progress: number; total?: number; message?: string }) => void;
}

export class McpServerConnection {
  private client: Client | undefined;
  private http: StreamableHTTPClientTransport | undefined;
  private connecting: Promise<Client> | undefined;
  private toolCache: Promise<McpTool[]> | undefined;
  private stderrTail = '';
  private closed = false;
  /** Times the server was started or connected; more than 1 means it was restarted. */
  starts = 0;

  constructor(
    readonly entry: McpServerEntry,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get name(): string {
    return this.entry.name;
  }

  /** The connected client; connects (starting a stdio server) when there is none. */
  connect(): Promise<Client> {
    if (this.closed)
      return Promise.reject(new McpServerError(`${this.label()} is closed: the worker is shutting down`));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** The server's tools, listed once and again only after it says its list changed or it restarted. */
  tools(): Promise<McpTool[]> {
    this.toolCache ??= this.listTools().catch((err: unknown) => {
      this.toolCache = undefined;
      throw err;
    });
    return this.toolCache;
  }

  async call(tool: string, args: Record<string, unknown>, options: McpCallOptions): Promise<CallToolResult> {
    const client = await this.connect();
    return (await client.callTool(
      { name: tool, arguments: args, _meta: { idempotencyKey: options.idempotencyKey } },
      undefined,
      {
        signal: options.signal,
        timeout: options.timeoutMs,
        maxTotalTimeout: options.timeoutMs,
        onprogress: (p) =>
          options.onProgress({
            progress: p.progress,
            ...(p.total !== undefined ? { total: p.total } : {}),
            ...(p.message !== undefined ? { message: p.message } : {}),
          }),
      },
    )) as CallToolResult;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    // A Streamable HTTP server keeps a session per client: end it, as the specification asks of clients.
    await this.http?.terminateSession().catch(() => undefined);
    await client?.close().catch(() => undefined);
  }

  /** "MCP server "fs" (mcpServers.fs in /path/mcp.json)": how every message names it. */
  label(): string {
    return `MCP server "${this.entry.name}" (${this.entry.where})`;
  }

  private async listTools(): Promise<McpTool[]> {
    const client = await this.connect();
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined).catch((err: unknown) => {
        throw new McpServerError(`${this.label()} did not list its tools: ${errorText(err)}`);
      });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  private async open(): Promise<Client> {
    const client = new Client(
      { name: 'plan-execute-temporal', version: '1.0.0' },
      {
        capabilities: {},
        listChanged: {
          tools: {
            autoRefresh: false,
            onChanged: () => {
              this.toolCache = undefined;
            },
          },
        },
      },
    );
    const transport = this.transport();
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.toolCache = undefined;
      if (!this.closed)
        this.log(`${this.label()} closed its connection; it is started again on the next call`);
    };
    client.onerror = (err) => this.log(`${this.label()}: ${errorText(err)}`);
    try {
      await client.connect(transport, { timeout: MCP_CONNECT_TIMEOUT_MS });
    } catch (err) {
      await client.close().catch(() => undefined);
      const tail = this.stderrTail.trim();
      throw new McpServerError(
        `${this.label()} could not ${this.entry.transport === 'stdio' ? 'start' : 'be reached'}: ${errorText(err)}${tail ? `; its stderr ends with: ${tail.slice(-500)}` : ''}`,
      );
    }
    this.starts += 1;
    if (this.starts > 1) this.log(`${this.label()} started again (${this.starts} starts)`);
    this.client = client;
    this.toolCache = undefined;
    return client;
  }

  private transport(): Transport {
    const { entry } = this;
    if (entry.transport === 'http') {
      this.http = new StreamableHTTPClientTransport(new URL(entry.url), {
        requestInit: { headers: entry.headers },
      });
      return this.http;
    }
    this.stderrTail = '';
    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      // Only the variables the SDK passes by default (PATH, HOME, ...) and the entry's own: a server never
      // sees the worker's model keys.
      env: { ...getDefaultEnvironment(), ...entry.env },
      ...(entry.cwd ? { cwd: entry.cwd } : {}),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    return transport;
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

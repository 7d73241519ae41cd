/**
 * All the tools a worker offers, whatever their source (built-ins, users' modules, MCP servers), behind one
 * face: the catalogue a run pins, the specs the executor is offered, and the call.
 */
import { createHash } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolResult, ToolSpec } from '../llm/types';
import { ASK_HUMAN_TOOL } from '../../workflows/messages';
import {
  LOCAL_TOOL_MAX_TIMEOUT_SECONDS,
  MAX_CATALOGUE_TOOLS,
  type CatalogueEntry,
  type ListToolsInput,
  type ToolCatalogue,
} from '../../workflows/tool-catalogue';
import { askHumanTool } from './ask-human';
import type { ToolSetup } from './config';
import type { ToolDescriptor } from './descriptor';
import { fileTools } from './files';
import { httpFetchTool } from './http-fetch';
import { McpServerError, errorText } from './mcp/connection';
import { McpPool, type McpToolHandle } from './mcp/pool';
import { renderMcpResult } from './mcp/results';
import { loadToolModule } from './modules';
import { allowedByList, matchesGlob, resolvePolicy, type PolicyRules } from './policy';
import { ToolRegistry } from './registry';
import { runCommandTool } from './run-command';
import { oneLine, type ToolContext } from './tool';

/** A tool's source failed in a way a retry may fix (its MCP server could not be reached, or died). */
export class ToolSourceError extends Error {
  override readonly name = 'ToolSourceError';
}

/** A bad allow-list or policy in a run's options: the run cannot go on as asked. */
export class ToolSelectionError extends Error {
  override readonly name = 'ToolSelectionError';
}

export interface FoundTool {
  descriptor: ToolDescriptor;
  schemaHash: string;
  mcp?: McpToolHandle;
}

export class ToolBox {
  private readonly hashes = new WeakMap<ToolDescriptor, string>();

  constructor(
    readonly registry: ToolRegistry,
    readonly mcp?: McpPool,
    /** The worker config's policy rules. */
    readonly policy: PolicyRules = {},
  ) {}

  /** The built-in file tools and ask_human, nothing else. */
  static builtIn(): ToolBox {
    return new ToolBox(builtInTools());
  }

  /** The tools a setup (flags, environment, config files) describes; MCP servers start when first used. */
  static fromSetup(setup: ToolSetup, log: (line: string) => void = () => undefined): ToolBox {
    const registry = builtInTools();
    if (setup.httpFetch) registry.register(httpFetchTool(setup.httpFetch));
    if (setup.runCommand) registry.register(runCommandTool(setup.runCommand));
    for (const file of setup.modules) registry.registerFrom(`module ${file}`, ...loadToolModule(file));
    const mcp = setup.mcpServers.length > 0 ? new McpPool(setup.mcpServers, log) : undefined;
    return new ToolBox(registry, mcp, setup.policy);
  }

  /** Every tool, as its source describes it now. Fails, naming the server, if an MCP server cannot answer. */
  async descriptors(): Promise<ToolDescriptor[]> {
    const local = this.registry.descriptors();
    if (!this.mcp) return local;
    const remote = (
      await this.mcp.tools().catch((err: unknown) => {
        throw new ToolSourceError(errorText(err));
      })
    ).map((t) => t.descriptor);
    const names = new Set(local.map((d) => d.name));
    const clash = remote.find((d) => names.has(d.name));
    if (clash) {
      throw new ToolSelectionError(
        `Two tools are named "${clash.name}" (${clash.source} and a local tool); rename the local tool`,
      );
    }
    return [...local, ...remote];
  }

  /** The tool `name` as it is now, with its schema hash; undefined if no source offers it. */
  async find(name: string): Promise<FoundTool | undefined> {
    const local = this.registry.descriptors().find((d) => d.name === name);
    if (local) return { descriptor: local, schemaHash: this.hashOf(local) };
    const handle = await this.mcp?.find(name).catch((err: unknown) => {
      throw new ToolSourceError(errorText(err));
    });
    return (
      handle && { descriptor: handle.descriptor, schemaHash: this.hashOf(handle.descriptor), mcp: handle }
    );
  }

  /** What a run may use and how: its allow-list applied, each tool's policy for it decided. */
  async catalogue(input: Pick<ListToolsInput, 'allow' | 'policy'>): Promise<ToolCatalogue> {
    const all = await this.descriptors();
    const unmatched = (input.allow ?? []).filter((p) => !all.some((d) => matchesGlob(d.name, p)));
    if (unmatched.length > 0) {
      throw new ToolSelectionError(
        `options.tools: ${unmatched.map((p) => `"${p}"`).join(', ')} matches no tool this worker offers (it offers ${all.map((d) => d.name).join(', ')})`,
      );
    }
    const allowed = all.filter((d) => d.name === ASK_HUMAN_TOOL || allowedByList(d.name, input.allow));
    if (allowed.length > MAX_CATALOGUE_TOOLS) {
      throw new ToolSelectionError(
        `The run would have ${allowed.length} tools, more than the ${MAX_CATALOGUE_TOOLS} a run keeps; name the ones it needs with options.tools (globs such as "fs__*")`,
      );
    }
    const tools = allowed.map((d): CatalogueEntry => {
      const decision =
        d.name === ASK_HUMAN_TOOL
          ? { policy: 'allow' as const, reason: 'a question to a person; always allowed' }
          : resolvePolicy(
              d.name,
              { policy: d.defaultPolicy, reason: defaultReason(d) },
              this.policy,
              input.policy,
            );
      return {
        name: d.name,
        description: oneLine(d.description),
        kind: d.kind,
        policy: decision.policy,
        policyReason: decision.reason.slice(0, 200),
        timeoutSeconds: d.timeoutSeconds,
        schemaHash: this.hashOf(d),
        local: !d.reportsProgress && d.timeoutSeconds <= LOCAL_TOOL_MAX_TIMEOUT_SECONDS,
        source: d.source.slice(0, 300),
      };
    });
    return { tools };
  }

  /** The specs the executor is offered: the named tools (those that exist now), or every tool. */
  async specs(names?: readonly string[]): Promise<ToolSpec[]> {
    const all = await this.descriptors();
    const wanted = names ? new Set(names) : undefined;
    return all
      .filter((d) => !wanted || wanted.has(d.name))
      .map((d) => ({ name: d.name, description: d.description, inputSchema: d.inputSchema }));
  }

  /** One-line descriptions of the named tools, for the planner and re-planner. */
  async summaries(names: readonly string[]): Promise<{ name: string; description: string }[]> {
    const all = new Map((await this.descriptors()).map((d) => [d.name, d]));
    return names.map((name) => {
      const d = all.get(name);
      return { name, description: d ? oneLine(d.description) : '(no longer offered by this worker)' };
    });
  }

  /**
   * Run a call. What the model can act on comes back as an error result; a source that could not be
   * reached throws a ToolSourceError (a retry may help); cancellation is thrown as it is.
   */
  async call(
    found: FoundTool,
    input: unknown,
    context: ToolContext,
    toolCallId: string,
  ): Promise<ToolResult> {
    if (!found.mcp) return this.registry.call(found.descriptor.name, input, context, toolCallId);
    const { descriptor } = found;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return {
        toolCallId,
        isError: true,
        content: `Tool "${descriptor.name}" takes a JSON object as input.`,
      };
    }
    let result: CallToolResult;
    try {
      result = await this.mcp!.call(found.mcp, input as Record<string, unknown>, {
        signal: context.signal,
        timeoutMs: descriptor.timeoutSeconds * 1_000,
        idempotencyKey: context.idempotencyKey,
        onProgress: (update) => context.progress(update),
      });
    } catch (err) {
      if (context.signal.aborted) throw err;
      const code = (err as { code?: unknown }).code;
      if (code === -32001) {
        return {
          toolCallId,
          isError: true,
          content: `Tool "${descriptor.name}" timed out after ${descriptor.timeoutSeconds} s (${descriptor.source}).`,
        };
      }
      // The connection closed, or never opened: the server may be back on the next attempt.
      if (code === -32000 || code === undefined || err instanceof McpServerError) {
        throw new ToolSourceError(
          `Tool "${descriptor.name}": ${found.mcp.connection.label()} failed during the call: ${errorText(err)}`,
        );
      }
      return { toolCallId, isError: true, content: `Tool "${descriptor.name}" failed: ${errorText(err)}` };
    }
    try {
      const rendered = await renderMcpResult(result, context.workspace, fileStem(context.idempotencyKey));
      return { toolCallId, isError: rendered.isError, content: rendered.text };
    } catch (err) {
      // The call did its work; only keeping its result in the workspace failed (e.g. a path refused there).
      return {
        toolCallId,
        isError: true,
        content: `Tool "${descriptor.name}" ran, but its result could not be kept in the workspace: ${errorText(err)}`,
      };
    }
  }

  /** Start the MCP servers now (in the background), so the first run does not wait for them. */
  warmUp(log: (line: string) => void): Promise<void> {
    return this.mcp?.warmUp(log) ?? Promise.resolve();
  }

  async close(): Promise<void> {
    await this.mcp?.close();
  }

  /**
   * What a run relies on about a tool, as `<hash of the input schema>:<kind>:<default policy>`: a different
   * input, a different kind (how a cut-off call is retried) or a different default policy (an MCP server that
   * now marks the tool destructive) is a different tool. Readable parts, so a refusal can say what changed.
   */
  hashOf(descriptor: ToolDescriptor): string {
    let hash = this.hashes.get(descriptor);
    if (!hash) {
      const input = createHash('sha256').update(canonicalJson(descriptor.inputSchema)).digest('hex');
      hash = `${input.slice(0, 16)}:${descriptor.kind}:${descriptor.defaultPolicy}`;
      this.hashes.set(descriptor, hash);
    }
    return hash;
  }
}

/** The registry a worker starts with: file tools confined to the run's workspace, and ask_human. */
export function builtInTools(): ToolRegistry {
  return new ToolRegistry().register(...fileTools, askHumanTool);
}

/** File names for what a call saves in the workspace: from its key, the same on every retry. */
export function fileStem(idempotencyKey: string): string {
  return (
    idempotencyKey
      .split('/')
      .slice(1)
      .join('_')
      .replace(/[^A-Za-z0-9._-]/g, '_') || 'output'
  );
}

function defaultReason(d: ToolDescriptor): string {
  if (d.source.startsWith('MCP server')) {
    return d.defaultPolicy === 'ask'
      ? 'default for an MCP tool that may be destructive (destructiveHint)'
      : 'default for an MCP tool that is read-only or not destructive';
  }
  return `default for a ${d.kind} tool${d.source === 'built-in' ? ' (built-in)' : ''}`;
}

/** JSON with object keys sorted, so the same schema always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

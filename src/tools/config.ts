/**
 * What tools a worker offers, from its command line, its environment and its config files:
 * - `--tools PATH` (repeatable) / TOOL_MODULES (paths separated by ":"): users' tool modules;
 * - `--mcp-config FILE` / MCP_CONFIG: MCP servers, `{"mcpServers": {...}}`;
 * - `--tools-config FILE` / TOOLS_CONFIG: a tools config file, holding any of
 *   `{"modules": [...], "mcpServers": {...}, "policy": {"GLOB": "allow|ask|deny"}, "builtins": {"http_fetch":
 *   {...}, "run_command": {...}}}`. Paths in it are relative to the file.
 */
import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../../workflows/schemas';
import { ToolGlobSchema, ToolPolicySchema } from '../../workflows/tool-catalogue';
import { HttpFetchConfigSchema, type HttpFetchConfig } from './http-fetch';
import {
  loadMcpConfigFile,
  McpConfigError,
  parseMcpServers,
  readJsonFile,
  type McpServerEntry,
} from './mcp/config';
import type { PolicyRules } from './policy';
import { RunCommandConfigSchema, type RunCommandConfig } from './run-command';

export { McpConfigError as ToolConfigError };

const ToolsFileSchema = z
  .object({
    modules: z.array(z.string().min(1)).default([]),
    mcpServers: z.unknown().optional(),
    policy: z.record(ToolGlobSchema, ToolPolicySchema).default({}),
    builtins: z
      .object({
        http_fetch: HttpFetchConfigSchema.optional(),
        run_command: RunCommandConfigSchema.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** Where the worker's tool settings come from. */
export interface ToolSources {
  modules?: string[];
  mcpConfigFile?: string;
  toolsConfigFile?: string;
}

export interface ToolSetup {
  /** Absolute paths of tool modules. */
  modules: string[];
  mcpServers: McpServerEntry[];
  policy: PolicyRules;
  httpFetch?: HttpFetchConfig;
  runCommand?: RunCommandConfig;
}

/** Read the sources (files are read now; every problem names the file and the entry). */
export function loadToolSetup(sources: ToolSources, env: NodeJS.ProcessEnv = process.env): ToolSetup {
  const setup: ToolSetup = {
    modules: (sources.modules ?? []).map((m) => path.resolve(m)),
    mcpServers: [],
    policy: {},
  };
  if (sources.toolsConfigFile) {
    const file = path.resolve(sources.toolsConfigFile);
    const raw = readJsonFile(file, 'Tools config');
    const parsed = ToolsFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new McpConfigError(
        `Tools config ${file}: ${describeZodError(parsed.error, { schema: ToolsFileSchema, input: raw })}`,
      );
    }

    const { modules, mcpServers, policy, builtins } = parsed.data;
    setup.modules.push(...modules.map((m) => path.resolve(path.dirname(file), m)));
    if (mcpServers !== undefined) setup.mcpServers.push(...parseMcpServers(mcpServers, file, env));
    setup.policy = policy;
    if (builtins.http_fetch) setup.httpFetch = builtins.http_fetch;
    if (builtins.run_command) setup.runCommand = builtins.run_command;
  }
  if (sources.mcpConfigFile) {
    for (const entry of loadMcpConfigFile(sources.mcpConfigFile, env)) {
      const twice = setup.mcpServers.find((e) => e.name === entry.name);
      if (twice) {
        throw new McpConfigError(
          `MCP server "${entry.name}" is configured twice (${twice.where} and ${entry.where}); rename one`,
        );
      }
      setup.mcpServers.push(entry);
    }
  }
  return setup;
}

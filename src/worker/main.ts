/**
 * `npm run worker -- [--tools PATH]... [--mcp-config FILE] [--tools-config FILE]`: a worker for the task queue
 * in TASK_QUEUE, connected with the TEMPORAL_* settings, offering the built-in tools plus those named.
 */
import { parseArgs } from 'node:util';
import { runWorker } from './run-worker';

const USAGE = `Usage: npm run worker -- [--tools PATH]... [--mcp-config FILE] [--tools-config FILE]
  --tools PATH          a tool module to load (repeatable; also TOOL_MODULES, paths separated by ":")
  --mcp-config FILE     MCP servers, {"mcpServers": {"NAME": {...}}} (also MCP_CONFIG)
  --tools-config FILE   modules, MCP servers, policies and the opt-in built-ins (also TOOLS_CONFIG)
See README, Tools.`;

function flags() {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: {
        tools: { type: 'string', multiple: true, default: [] },
        'mcp-config': { type: 'string' },
        'tools-config': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = flags();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
runWorker({
  toolSources: {
    modules: values.tools,
    ...(values['mcp-config'] ? { mcpConfigFile: values['mcp-config'] } : {}),
    ...(values['tools-config'] ? { toolsConfigFile: values['tools-config'] } : {}),
  },
  onReady: (description) => console.log(description),
}).catch((err: unknown) => {
  console.error(err instanceof Error && /Config|Module/.test(err.name) ? err.message : err);
  process.exit(1);
});

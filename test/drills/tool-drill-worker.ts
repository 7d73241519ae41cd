/**
 * A worker that kills itself at the one moment stored results exist for: after the named tools' calls have
 * done their effect and their results are stored (the activity returned in this process), before the
 * completion reaches the server. Takes the same flags as `npm run worker` (--tools, --mcp-config,
 * --tools-config); KILL_AFTER_STORE names the tools (comma-separated), DRILL_LOG gets a line per call stored.
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { runWorker } from '../../src/worker/run-worker';
import type { ToolInput } from '../../workflows/activity-contract';
import { installQuietRuntime } from '../helpers/runtime';

const killAfter = new Set((process.env.KILL_AFTER_STORE ?? '').split(',').filter(Boolean));
const drillLog = process.env.DRILL_LOG ?? '/dev/null';

const killAfterStore: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const result = await next(input);
      const call = (input.args[0] as Partial<ToolInput> | undefined)?.call;
      if (ctx.info.activityType !== 'tool' || !call || !killAfter.has(call.name)) return result;
      const key = (input.args[0] as ToolInput).idempotencyKey;
      appendFileSync(drillLog, `${Date.now()} stored ${call.name} ${key} ${JSON.stringify(result)}\n`);
      process.kill(process.pid, 'SIGKILL');
      // Never returns: this completion must not reach the server.
      return new Promise<never>(() => undefined);
    },
  },
});

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    tools: { type: 'string', multiple: true, default: [] },
    'mcp-config': { type: 'string' },
    'tools-config': { type: 'string' },
  },
});
installQuietRuntime();
runWorker({
  toolSources: {
    modules: values.tools,
    ...(values['mcp-config'] ? { mcpConfigFile: values['mcp-config'] } : {}),
    ...(values['tools-config'] ? { toolsConfigFile: values['tools-config'] } : {}),
  },
  workerOptions: { interceptors: { activity: [killAfterStore] } },
  onReady: (description) => console.log(description),
}).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

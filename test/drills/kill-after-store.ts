/**
 * An activity interceptor for drill workers: it lets the chosen tool calls run to the end (the tool has
 * done its effect and stored its result under the idempotency key), then SIGKILLs its own process before
 * the activity's completion is handed back to the SDK, so the server never hears that the calls completed.
 * That is the one moment the stored results exist for: the server retries the calls, and a retry must
 * return the stored result instead of doing the effect again.
 *
 * With several tools named, each call that finishes is held (its completion never returned) until every
 * named tool has finished one call, and then the process dies: one kill covers them all.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { ToolInput } from '../../workflows/activity-contract';
import type { ToolResult } from '../../workflows/chat';

export function killAfterStore(
  toolNames: readonly string[],
  log: (line: string) => void,
): ActivityInterceptorsFactory {
  const waiting = new Set(toolNames);
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const result = await next(input);
        const arg = input.args[0] as Partial<ToolInput> | undefined;
        const name = arg?.call?.name;
        if (ctx.info.activityType !== 'tool' || name === undefined || !waiting.delete(name)) return result;
        log(`stored ${name} ${arg?.idempotencyKey ?? '?'} ${JSON.stringify((result as ToolResult).content)}`);
        if (waiting.size === 0) {
          log('kill');
          process.kill(process.pid, 'SIGKILL');
        }
        // Never return: this completion must not reach the server before the kill.
        return new Promise<never>(() => undefined);
      },
    },
  });
}

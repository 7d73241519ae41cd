import { Context } from '@temporalio/activity';

/** Well inside the 10 s heartbeat timeout; the SDK throttles what it actually sends. */
export const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Run `work` while heartbeating: once before it starts (so a model that is slow to send its first byte
 * still counts as alive) and then on a timer. A worker that dies stops heartbeating, and Temporal retries
 * the call after the heartbeat timeout instead of the much longer start-to-close timeout.
 */
export async function withHeartbeat<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work(context.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}

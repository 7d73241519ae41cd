import { Context } from '@temporalio/activity';

/**
 * Well inside the 2.5 s heartbeat timeouts (workflows/timeouts.ts); the worker sends heartbeats at most this
 * often too (maxHeartbeatThrottleInterval), so a dead worker is noticed within the timeout.
 */
export const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Run `work` while heartbeating on a timer, also while waiting for a model's first byte. A worker that dies
 * stops heartbeating, and Temporal retries the call after the heartbeat timeout instead of the much longer
 * start-to-close timeout. A call that ends within the first interval sends none: fast calls cost no extra
 * round trip. `beat(details)` sends a heartbeat with details at once (a tool's progress); the timer then
 * repeats the latest details, so they stay visible on the pending activity.
 */
export async function withHeartbeat<T>(
  work: (signal: AbortSignal, beat: (details: unknown) => void) => Promise<T>,
): Promise<T> {
  const context = Context.current();
  // A local activity cannot heartbeat: the workflow task it runs in is what Temporal watches.
  if (context.info.isLocal) return work(context.cancellationSignal, () => undefined);
  let details: unknown;
  const beat = (next: unknown) => {
    details = next;
    context.heartbeat(details);
  };
  const timer = setInterval(() => context.heartbeat(details), HEARTBEAT_EVERY_MS);
  try {
    return await work(context.cancellationSignal, beat);
  } finally {
    clearInterval(timer);
  }
}

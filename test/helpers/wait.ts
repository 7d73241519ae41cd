import type { WorkflowHandle } from '@temporalio/client';
import { getStateQuery } from '../../workflows/messages';
import type { RunState } from '../../workflows/state';

/** Poll `probe` until it returns a value other than undefined; fail with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Wait until the run's state (by query) satisfies `predicate`, and return it. */
export function waitForState(
  handle: WorkflowHandle,
  what: string,
  predicate: (s: RunState) => boolean,
  timeoutMs?: number,
): Promise<RunState> {
  return waitFor(
    what,
    async () => {
      const state = await handle.query(getStateQuery);
      return predicate(state) ? state : undefined;
    },
    timeoutMs,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

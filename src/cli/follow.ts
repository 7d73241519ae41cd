import type { WorkflowHandle } from '@temporalio/client';
import { getStateQuery } from '../../workflows/messages';
import type { RunEvent } from '../../workflows/state';

/**
 * Print a run's new events as they happen (by polling its state query) until `done` settles. Queries that
 * fail (no worker yet, server busy) are skipped: progress is a view, the result is what counts.
 */
export async function followRun<T>(
  handle: WorkflowHandle,
  done: Promise<T>,
  onEvent: (event: RunEvent) => void,
  everyMs = 500,
): Promise<T> {
  let lastSeq = 0;
  let finished = false;
  const poll = async (): Promise<void> => {
    try {
      const state = await handle.query(getStateQuery);
      for (const event of state.events) {
        if (event.seq > lastSeq) onEvent(event);
      }
      lastSeq = state.events.at(-1)?.seq ?? lastSeq;
    } catch {
      // The next poll will try again.
    }
  };
  const loop = (async () => {
    while (!finished) {
      await poll();
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  try {
    return await done;
  } finally {
    finished = true;
    await loop;
    await poll();
  }
}

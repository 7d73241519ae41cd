import { Context } from '@temporalio/activity';
import { fingerprintOf, rememberResult, ResultStore } from '../src/durable/result-store';
import type { Timed } from '../workflows/activity-contract';

/** Folder (beside the workspaces) of the results of completed model and tool calls. */
export const CALL_RESULTS_FOLDER = '.call-results';

/**
 * Run one call of the workflow's at most once: the result is stored under the call's idempotency key
 * (with a fingerprint of its input) before it is returned. When the record of a completed call is lost
 * (a worker died after the call, before Temporal heard of it, which for a local activity can be a while),
 * the retry or replay gets the stored result, and the model or tool is not called again.
 */
export async function rememberCall<T extends object>(
  workspaceRoot: string,
  input: { idempotencyKey: string },
  work: () => Promise<T>,
): Promise<T & Timed> {
  const { info } = Context.current();
  const workflowId = info.workflowExecution?.workflowId;
  if (!workflowId) throw new Error('calls must run as part of a workflow: their results are kept per run');
  const store = await ResultStore.open(workspaceRoot, CALL_RESULTS_FOLDER, workflowId);
  const result = await rememberResult(store, input.idempotencyKey, fingerprintOf(input), async () => {
    const started = performance.now();
    const result = await work();
    return { ...result, elapsedMs: Math.round(performance.now() - started) };
  });
  // The attempt that returned it, stored or not: the run counts retries from it.
  return { ...result, attempt: info.attempt };
}

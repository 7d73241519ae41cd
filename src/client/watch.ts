/**
 * A run's changes as an async iterator: new events, step status changes, run status changes, and one last
 * `closed` change when the run has ended. It polls the getState query (and Temporal's description, which
 * is what says a run has closed, however it closed), and yields only what changed since the last poll.
 */
import type { WorkflowExecutionStatusName, WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { getStateQuery } from '../../workflows/messages';
import type { PlanStep, RunEvent, RunState, RunStatus, StepStatus } from '../../workflows/state';
import { RunNotFoundError } from './errors';

export type RunChange =
  /** An entry of the run's event log that this watch has not yielded yet. */
  | { type: 'event'; event: RunEvent; state: RunState }
  /** A step appeared (`from` undefined) or its status changed; removed and skipped steps say why in `result`. */
  | { type: 'step'; step: PlanStep; from: StepStatus | undefined; state: RunState }
  /** The run's status changed (`from` undefined on the first poll). */
  | { type: 'status'; from: RunStatus | undefined; to: RunStatus; state: RunState }
  /** The state query went unanswered (no worker polls the task queue, say); said once until it answers. */
  | { type: 'unanswered'; message: string }
  /** The run has closed: the last change. `state` is the final state, when a worker answered for it. */
  | { type: 'closed'; execution: WorkflowExecutionStatusName; state: RunState | undefined };

export interface WatchOptions {
  /** How often to poll (default 500 ms). */
  intervalMs?: number;
  /** Stops the watch at the next poll. */
  signal?: AbortSignal;
}

export async function* watchRun(
  handle: WorkflowHandle,
  options: WatchOptions = {},
): AsyncGenerator<RunChange> {
  const intervalMs = options.intervalMs ?? 500;
  const queryTimeoutMs = Math.max(5_000, intervalMs * 4);
  let previous: RunState | undefined;
  let lastSeq = 0;
  let unanswered = false;
  while (!options.signal?.aborted) {
    let execution: WorkflowExecutionStatusName;
    try {
      // Described before the query, so the state read after it is at least as recent.
      execution = (await handle.describe()).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new RunNotFoundError(handle.workflowId);
      throw err;
    }
    let state: RunState | undefined;
    try {
      // Bounded, so one query the server holds back (it waits for a workflow task in flight) cannot stall
      // the watch; the next poll asks again.
      state = await handle.client.withDeadline(Date.now() + queryTimeoutMs, () =>
        handle.query(getStateQuery),
      );
      unanswered = false;
    } catch (err) {
      if (!unanswered) yield { type: 'unanswered', message: (err as Error).message };
      unanswered = true;
    }
    if (state) {
      yield* changesBetween(previous, state, lastSeq);
      lastSeq = state.events.at(-1)?.seq ?? lastSeq;
      previous = state;
    }
    if (execution !== 'RUNNING' && execution !== 'CONTINUED_AS_NEW') {
      yield { type: 'closed', execution, state: state ?? previous };
      return;
    }
    await sleep(intervalMs, options.signal);
  }
}

/** What changed from one state to the next: events first (they tell the story), then steps, then status. */
export function* changesBetween(
  before: RunState | undefined,
  after: RunState,
  lastSeq: number,
): Generator<RunChange> {
  for (const event of after.events) {
    if (event.seq > lastSeq) yield { type: 'event', event, state: after };
  }
  const was = new Map((before?.plan.steps ?? []).map((s) => [s.id, s.status]));
  for (const step of after.plan.steps) {
    const from = was.get(step.id);
    if (from !== step.status) yield { type: 'step', step, from, state: after };
  }
  if (before?.status !== after.status) {
    yield { type: 'status', from: before?.status, to: after.status, state: after };
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

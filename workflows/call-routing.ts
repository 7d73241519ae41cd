/**
 * Which calls run as local activities. A local activity runs in the worker that runs the workflow, with no
 * round trip to the server, which is what a call costs when the model answers fast. But while local
 * activities run, the workflow task stays open, and queries, signals and updates wait for it. So a call
 * runs locally only when its lane (a model role, or one tool) answered fast last time, and after a stretch
 * of local work the run yields (closes the workflow task), so people's messages never wait long: it yields
 * with a no-op regular activity (a timer would do, but the server fires timers at one-second granularity),
 * unless the workflow task timeout is short enough that the worker's own task heartbeat does it.
 * Decisions use the durations the activities report, which are part of their recorded results, so
 * they replay the same.
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from './activity-contract';

const { settle } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  summary: 'record results',
});

/** A lane whose last call took at most this long runs its next call locally. */
export const LOCAL_CALL_LIMIT_MS = 500;
/**
 * After this much local work, or this many local calls, without a server round trip, the run yields before
 * the next local call. Results of local calls are recorded when the workflow task closes: the bound keeps
 * what a crash could lose (and what a query waits for) small.
 */
export const YIELD_AFTER_LOCAL_MS = 2_000;
export const YIELD_AFTER_LOCAL_CALLS = 16;
/**
 * Runs begun before the stretch was 2 s yielded after 250 ms, and must replay the same commands. The yield
 * (a round trip of 20-30 ms) came every other call when models take 200 ms. A message now waits at most
 * about 2.5 s (the stretch and one call of at most LOCAL_CALL_LIMIT_MS), and in runs the project's clients
 * start at most 2.4 s, when the worker closes the workflow task (RUN_WORKFLOW_TASK_TIMEOUT).
 */
export const LOCAL_STRETCH_PATCH = 'local-stretch-2s';
const YIELD_AFTER_LOCAL_MS_BEFORE_PATCH = 250;

/** Runs begun before this yield after a stretch of local work even when the task heartbeat closes the task. */
export const HEARTBEAT_YIELD_PATCH = 'yield-on-task-heartbeat';
/** Workflow task timeouts up to this close the task often enough on their own (RUN_WORKFLOW_TASK_TIMEOUT). */
const HEARTBEAT_COVERS_TASK_TIMEOUT_MS = 3_000;

export type CallMode = 'auto' | 'off';

export class CallRouter {
  private readonly lastMs = new Map<string, number>();
  private localSinceYield = 0;
  private localCallsSinceYield = 0;
  private yieldAfterMs: number | undefined;

  constructor(private readonly mode: CallMode) {}

  /** Whether the next call of `lane` runs as a local activity. The first call of a lane never does. */
  local(lane: string): boolean {
    if (this.mode === 'off') return false;
    const last = this.lastMs.get(lane);
    return last !== undefined && last <= LOCAL_CALL_LIMIT_MS;
  }

  /** Before a local call: whether to close the workflow task first (local work has gone on long enough). */
  yieldDue(): boolean {
    this.yieldAfterMs ??= this.stretchLimit();
    return this.localSinceYield >= this.yieldAfterMs || this.localCallsSinceYield >= YIELD_AFTER_LOCAL_CALLS;
  }

  private stretchLimit(): number {
    // With a workflow task timeout of at most 3 s (runs the project's clients start), the worker closes the
    // task at 80% of it while local work goes on: that already lets messages in and records results every
    // 2.4 s, and a yield on top only adds a round trip.
    if (workflowInfo().taskTimeoutMs <= HEARTBEAT_COVERS_TASK_TIMEOUT_MS && patched(HEARTBEAT_YIELD_PATCH)) {
      return Number.POSITIVE_INFINITY;
    }
    return patched(LOCAL_STRETCH_PATCH) ? YIELD_AFTER_LOCAL_MS : YIELD_AFTER_LOCAL_MS_BEFORE_PATCH;
  }

  /**
   * Record every local result so far (close the workflow task, by a no-op regular activity). Before the run ends or continues as new:
   * the server refuses to close a run while messages it has not seen wait, and the results of local calls
   * in the refused task would be lost and the calls made again.
   */
  async settle(): Promise<void> {
    if (this.localCallsSinceYield === 0) return;
    this.localSinceYield = 0;
    this.localCallsSinceYield = 0;
    await settle();
  }

  /**
   * A call of `lane` finished in `elapsedMs`; a regular activity's round trip closed the workflow task. An
   * activity that made several calls (executorTurns) gives its slowest one: the lane is as fast as that.
   */
  observe(lane: string, elapsedMs: number, local: boolean, slowestCallMs = elapsedMs): void {
    this.lastMs.set(lane, slowestCallMs);
    if (local) {
      this.localSinceYield += elapsedMs;
      this.localCallsSinceYield += 1;
    } else {
      this.localSinceYield = 0;
      this.localCallsSinceYield = 0;
    }
  }

  /** A call of `lane` made inside another lane's activity (a re-plan asked ahead) took `elapsedMs`. */
  observeInside(lane: string, elapsedMs: number): void {
    this.lastMs.set(lane, elapsedMs);
  }

  /** A local attempt failed: the lane's next call goes to the server, where its retries are visible. */
  failed(lane: string): void {
    this.lastMs.set(lane, Number.POSITIVE_INFINITY);
  }
}

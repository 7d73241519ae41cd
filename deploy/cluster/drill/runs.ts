/**
 * Starting the drill's runs, giving the approvals they wait for, and waiting for their results, all
 * through faults: a call that fails because a service or the database is down is tried again.
 */
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { approveUpdate, getPlanQuery } from '../../../workflows/messages';
import { planAndExecute } from '../../../workflows';
import { AgentModelsKey } from '../../../workflows/search-attributes';
import type { RunResult } from '../../../workflows/state';
import { sleep } from '../processes';
import { MODELS, runInput, VARIANTS, type Variant } from './scenario';

export interface DrillRun {
  index: number;
  workflowId: string;
  variant: Variant;
  handle?: WorkflowHandle<typeof planAndExecute>;
  startedAt?: number;
  endedAt?: number;
  result?: RunResult;
  error?: string;
  /** Settles when the drill's "person" is ready to approve this run. */
  approvalGate?: Promise<unknown>;
  approvedAt?: number;
}

/** Tries `call` until it succeeds, `giveUp(err)` says stop, or `timeoutMs` passes. */
export async function patiently<T>(
  call: () => Promise<T>,
  timeoutMs: number,
  giveUp: (err: unknown) => boolean = () => false,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (giveUp(err) || Date.now() > deadline) throw err;
      await sleep(Math.min(2_000, 200 * 2 ** attempt));
    }
  }
}

export function planRuns(count: number, prefix: string): DrillRun[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    workflowId: `${prefix}-${String(index).padStart(3, '0')}`,
    variant: VARIANTS[index % VARIANTS.length]!,
  }));
}

/** Starts the runs, `concurrency` at a time; a start repeated after a lost answer finds its run. */
export async function startRuns(
  client: Client,
  runs: DrillRun[],
  taskQueue: string,
  concurrency = 10,
): Promise<void> {
  let next = 0;
  const starter = async (): Promise<void> => {
    while (next < runs.length) {
      const run = runs[next++]!;
      run.handle = await patiently(async () => {
        try {
          return await client.workflow.start(planAndExecute, {
            taskQueue,
            workflowId: run.workflowId,
            args: [runInput(run.variant, run.index)],
            // Set at start, so the list filter on a custom attribute has something to find.
            typedSearchAttributes: [{ key: AgentModelsKey, value: [MODELS.planner, MODELS.executor] }],
          });
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError)
            return client.workflow.getHandle(run.workflowId);
          throw err;
        }
      }, 120_000);
      run.startedAt ??= Date.now();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, starter));
}

/** Waits until the run asks for approval and gives it, as a person would; done once the run is past it. */
export async function approveWhenAsked(run: DrillRun, timeoutMs: number): Promise<void> {
  const handle = run.handle;
  if (!handle || !run.variant.requireApproval) return;
  await run.approvalGate;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await handle.query(getPlanQuery).then(
      (plan) => plan.status,
      () => undefined,
    );
    if (status === 'awaiting_approval') {
      await handle.executeUpdate(approveUpdate, { args: [{ reason: 'cluster drill' }] }).then(
        () => (run.approvedAt = Date.now()),
        () => undefined, // lost to a fault, or a retry of an approval that went through: the next query tells
      );
    } else if (status !== undefined && status !== 'planning') {
      run.approvedAt ??= Date.now();
      return;
    }
    await sleep(500);
  }
  throw new Error(`${run.workflowId}: no approval given within ${timeoutMs / 1000} s`);
}

export async function awaitResult(run: DrillRun, timeoutMs: number): Promise<void> {
  const handle = run.handle;
  if (!handle) return;
  try {
    run.result = await patiently(
      () => handle.result(),
      timeoutMs,
      (err) => err instanceof WorkflowFailedError,
    );
  } catch (err) {
    run.error =
      err instanceof WorkflowFailedError ? `failed: ${err.cause?.message ?? err.message}` : String(err);
  }
  run.endedAt = Date.now();
}

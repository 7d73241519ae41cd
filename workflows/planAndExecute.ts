import { ApplicationFailure, patched, workflowInfo } from '@temporalio/workflow';
import { PlanAndExecuteRun } from './run';
import { describeZodError, RunInputSchema } from './schemas';
import type { RunResult } from './state';
import { runV1 } from './v1/planAndExecute';

/**
 * Marks runs started on the v2 core (streaming scheduler, compact re-plan inputs). Runs started before it
 * replay and finish on the frozen v1 code; remove v1 with deprecatePatched once none of them is open.
 */
export const V2_CORE_PATCH = 'v2-streaming-core';

/**
 * Plan-and-Execute, durably: the input is validated, the run's message handlers are registered before
 * the first await (so no early signal is lost), then the run goes.
 */
export async function planAndExecute(rawInput: unknown): Promise<RunResult> {
  if (!patched(V2_CORE_PATCH)) return runV1(rawInput);
  const parsed = RunInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw ApplicationFailure.create({
      message: `Invalid workflow input: ${describeZodError(parsed.error, { schema: RunInputSchema, input: rawInput })}`,

      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
  // Only the workflow's own continue-as-new may carry a run's state over; a start that does would skip the
  // planner and the approval gate with a plan of the caller's making.
  if (parsed.data.continuation && workflowInfo().continuedFromExecutionRunId === undefined) {
    throw ApplicationFailure.create({
      message:
        'Invalid workflow input: continuation is set by the workflow itself when it continues as new; a start may not carry it. Remove the "continuation" field.',
      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
  return new PlanAndExecuteRun(parsed.data).execute();
}

// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
import { ApplicationFailure } from '@temporalio/workflow';
import { registerHandlers } from './handlers';
import { PlanAndExecuteRun } from './run';
import { describeZodError, RunInputSchema } from './schemas';
import type { RunResult } from './state';

/**
 * Plan-and-Execute, durably: the input is validated, the run's message handlers are registered before
 * the first await (so no early signal is lost), then the run goes.
 */
export async function runV1(rawInput: unknown): Promise<RunResult> {
  const parsed = RunInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw ApplicationFailure.create({
      message: `Invalid workflow input: ${describeZodError(parsed.error)}`,
      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
  const run = new PlanAndExecuteRun(parsed.data);
  registerHandlers(run);
  return run.execute();
}

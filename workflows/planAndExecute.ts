import { ApplicationFailure } from '@temporalio/workflow';
import { registerHandlers } from './handlers';
import { PlanAndExecuteRun } from './run';
import { describeZodError, RunInputSchema } from './schemas';
import type { RunResult } from './state';

/**
 * Plan-and-Execute, durably: the input is validated, the run's message handlers are registered before
 * the first await (so no early signal is lost), then the run goes.
 */
export async function planAndExecute(rawInput: unknown): Promise<RunResult> {
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

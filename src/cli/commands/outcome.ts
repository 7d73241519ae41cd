import { RunCancelledError } from '../../client/errors';
import type { RunHandle } from '../../client/run-handle';
import { formatCancelled, formatResult } from '../format';
import { print, type CommandContext } from './context';

/**
 * Waits for the run's end and prints it: the result, or for a cancelled run (which has none) its final
 * state. A cancelled run is an outcome, not an error: exit code 0. A failed run throws RunFailedError.
 */
export async function printOutcome(ctx: CommandContext, run: RunHandle, extra: object = {}): Promise<number> {
  try {
    const result = await run.result();
    print(ctx, { workflowId: run.workflowId, ...extra, execution: 'COMPLETED', ...result }, () =>
      formatResult(result),
    );
    return 0;
  } catch (err) {
    if (!(err instanceof RunCancelledError)) throw err;
    const { state } = err;
    print(
      ctx,
      {
        workflowId: run.workflowId,
        ...extra,
        execution: err.execution,
        endReason: 'cancelled',
        message: state?.endMessage ?? null,
        answer: null,
        plan: state?.plan ?? null,
        usage: state?.usage ?? [],
        stepsExecuted: state?.stepsExecuted ?? null,
        replans: state?.replans ?? null,
      },
      () => formatCancelled(state, err.execution),
    );
    return 0;
  }
}

/**
 * How the run reads the failures of its calls: a structured answer that breaks the workflow's own rules, a
 * provider's retry-after, a failure in words for people, and a call that failed inside executorTurns made to
 * look like the failed local attempt it stands for.
 */
import { RetryState } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { LocalFailure, StructuredOutcome, Timed } from './activity-contract';
import { MODEL_CALL_MAX_ATTEMPTS, TOOL_CALL_MAX_ATTEMPTS } from './timeouts';

/** `outcome`, invalid when `check` finds problems in its value. */
export function checked<T>(
  outcome: StructuredOutcome<T> & Timed,
  check: (value: T) => string[],
): StructuredOutcome<T> & Timed {
  if (!outcome.valid) return outcome;
  const problems = check(outcome.value);
  if (problems.length === 0) return outcome;
  // Keeps the call's usage, cost and time: the call was made and paid for, whatever its answer.
  const { value, ...rest } = outcome;
  return {
    ...rest,
    valid: false,
    problems: problems.join('; '),
    rawOutput: JSON.stringify(value).slice(0, 8_000),
  };
}

/** The delay the failure asked for (a provider's retry-after, carried in its details), if any. */
export function retryDelay(cause: Error | undefined): number | undefined {
  const details =
    cause instanceof ApplicationFailure
      ? (cause.details?.[0] as { retryAfterMs?: unknown } | undefined)
      : undefined;
  const ms = details?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export function describeFailure(err: unknown): string {
  if (err instanceof ActivityFailure) {
    const attempts =
      err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED
        ? ` after ${err.activityType === 'tool' || err.activityType === 'runTool' ? TOOL_CALL_MAX_ATTEMPTS : MODEL_CALL_MAX_ATTEMPTS} attempts`
        : '';
    return `${err.activityType ?? 'activity'} failed${attempts}: ${err.cause?.message ?? err.message}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

/** A local attempt's failure as the route's retry logic sees one (a failure it got from the local activity). */
export function asActivityFailure(activityType: string, failure: LocalFailure): ActivityFailure {
  const cause = ApplicationFailure.create({
    message: failure.message,
    ...(failure.type !== undefined ? { type: failure.type } : {}),
    nonRetryable: failure.nonRetryable,
    ...(failure.details !== undefined ? { details: failure.details } : {}),
  });
  return new ActivityFailure(
    failure.message,
    activityType,
    undefined,
    RetryState.IN_PROGRESS,
    undefined,
    cause,
  );
}

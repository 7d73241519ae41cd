/**
 * How the run calls its activities: every model call waits at the pause gate first, a model call that
 * failed for good can pause the run instead of failing it, and structured output gets one corrective re-ask.
 */
import { RetryState } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { Activities, Correction, StructuredOutcome } from './activity-contract';
import type { RunCore } from './run-core';
import type { ModelRole } from './state';
import {
  MODEL_CALL_MAX_ATTEMPTS,
  modelCallOptions,
  TOOL_CALL_MAX_ATTEMPTS,
  toolCallOptions,
} from './timeouts';

export const modelActivities = proxyActivities<Activities>(modelCallOptions);
export const toolActivities = proxyActivities<Activities>(toolCallOptions);

export class Calls {
  constructor(private readonly core: RunCore) {}

  /**
   * A model call behind the pause gate. With options.onModelFailure "pause", a call that failed for good
   * (rejected, or out of retries) pauses the run with the reason; resume retries it.
   */
  async model<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      await this.core.checkpoint();
      try {
        return await call();
      } catch (err) {
        if (
          this.core.input.options.onModelFailure !== 'pause' ||
          !(err instanceof ActivityFailure) ||
          isCancellation(err)
        ) {
          throw err;
        }
        this.core.state.paused = true;
        this.core.event(
          'model_failed',
          `Paused: ${describeFailure(err)}. Fix the cause, then resume to retry the call.`,
        );
        this.core.refreshStatus();
      }
    }
  }

  /**
   * One call, and on invalid output (by the schema in the activity, or by `check` here) one corrective
   * re-ask that carries the problems; then a typed failure.
   */
  async structured<T>(
    role: Exclude<ModelRole, 'executor'>,
    model: string,
    call: (correction: Correction | undefined, attempt: number) => Promise<StructuredOutcome<T>>,
    check: (value: T) => string[] = () => [],
  ): Promise<T> {
    const first = this.checked(await this.model(() => call(undefined, 1)), check);
    this.core.recordUsage(role, model, first.usage);
    if (first.valid) return first.value;
    this.core.event('invalid_output', `${role} output was invalid, re-asking: ${first.problems}`);
    const correction = { previousOutput: first.rawOutput, problems: first.problems };
    const second = this.checked(await this.model(() => call(correction, 2)), check);
    this.core.recordUsage(role, model, second.usage);
    if (second.valid) return second.value;
    throw ApplicationFailure.create({
      message: `The ${role} (${model}) returned invalid output twice. First: ${first.problems}. After the re-ask: ${second.problems}`,
      type: role === 'planner' ? 'InvalidPlannerOutput' : 'InvalidReplannerOutput',
      nonRetryable: true,
    });
  }

  private checked<T>(outcome: StructuredOutcome<T>, check: (value: T) => string[]): StructuredOutcome<T> {
    if (!outcome.valid) return outcome;
    const problems = check(outcome.value);
    if (problems.length === 0) return outcome;
    return {
      valid: false,
      problems: problems.join('; '),
      rawOutput: JSON.stringify(outcome.value).slice(0, 8_000),
      usage: outcome.usage,
    };
  }
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

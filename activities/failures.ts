import { ApplicationFailure } from '@temporalio/common';
import { ModelCallError, ModelConfigError } from '../src/llm/errors';

/** Failure types as they appear in history and the Web UI. */
export const FailureType = {
  modelRetryable: 'ModelCallRetryable',
  modelRejected: 'ModelCallRejected',
  modelConfig: 'ModelNotConfigured',
} as const;

/**
 * Turn a model-call error into the failure Temporal should act on: retryable ones carry the server's
 * retry-after as nextRetryDelay; the rest fail at once so nobody waits on a retry that cannot help.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ModelCallError) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.kind === 'retryable' ? FailureType.modelRetryable : FailureType.modelRejected,
      nonRetryable: err.kind === 'fatal',
      ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
      // Also in the details: the workflow cannot read nextRetryDelay back, and waits this long itself
      // before it retries a failed local attempt as a regular activity.
      details: [
        { provider: err.provider, status: err.status ?? null, retryAfterMs: err.retryAfterMs ?? null },
      ],
    });
  }
  if (err instanceof ModelConfigError) {
    return ApplicationFailure.create({
      message: err.message,
      type: FailureType.modelConfig,
      nonRetryable: true,
    });
  }
  return err;
}

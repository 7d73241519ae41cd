import { ApplicationFailure } from '@temporalio/common';
import { FailureType, toActivityFailure } from '../activities/failures';
import { ModelCallError, ModelConfigError } from '../src/llm/errors';

const asFailure = (err: unknown): ApplicationFailure => {
  const out = toActivityFailure(err);
  expect(out).toBeInstanceOf(ApplicationFailure);
  return out as ApplicationFailure;
};

describe('failure classification for Temporal', () => {
  it('a retryable model error is retried, after the retry-after the server asked for', () => {
    const failure = asFailure(
      new ModelCallError('Anthropic API returned 429: slow down', 'retryable', 'Anthropic', 429, 1_500),
    );
    expect(failure.message).toBe('Anthropic API returned 429: slow down');
    expect(failure.type).toBe(FailureType.modelRetryable);
    expect(failure.type).toBe('ModelCallRetryable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(1_500);
    expect(failure.details).toEqual([{ provider: 'Anthropic', status: 429, retryAfterMs: 1_500 }]);
  });

  it('a retryable error without retry-after leaves the delay to the retry policy', () => {
    const failure = asFailure(new ModelCallError('connection failed', 'retryable', 'OpenAI'));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.details).toEqual([{ provider: 'OpenAI', status: null, retryAfterMs: null }]);
  });

  it('a retry-after of zero is still a delay the server asked for', () => {
    expect(asFailure(new ModelCallError('x', 'retryable', 'OpenAI', 503, 0)).nextRetryDelay).toBe(0);
  });

  it('a fatal model error is not retried', () => {
    const failure = asFailure(
      new ModelCallError('Anthropic API returned 401: no', 'fatal', 'Anthropic', 401),
    );
    expect(failure.type).toBe('ModelCallRejected');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ provider: 'Anthropic', status: 401, retryAfterMs: null }]);
  });

  it('missing configuration is not retried', () => {
    const failure = asFailure(new ModelConfigError('set OPENAI_API_KEY'));
    expect(failure.message).toBe('set OPENAI_API_KEY');
    expect(failure.type).toBe('ModelNotConfigured');
    expect(failure.nonRetryable).toBe(true);
  });

  it('any other error passes through unchanged', () => {
    const bug = new TypeError('oops');
    expect(toActivityFailure(bug)).toBe(bug);
    expect(toActivityFailure('text')).toBe('text');
  });
});

import Anthropic from '@anthropic-ai/sdk';
import { classifyProviderError, ModelCallError, parseRetryAfter } from '../src/llm/errors';

describe('provider error classification', () => {
  it('reads retry-after as seconds, as an HTTP date, and retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }))).toBe(3_000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(
      6_000,
    );
    expect(parseRetryAfter(new Headers({}))).toBeUndefined();
  });

  it.each([
    [408, 'retryable'],
    [409, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [503, 'retryable'],
    [529, 'retryable'],
    [400, 'fatal'],
    [401, 'fatal'],
    [403, 'fatal'],
    [404, 'fatal'],
  ])('classifies HTTP %i as %s', (status, kind) => {
    const err = Anthropic.APIError.generate(
      status,
      { error: { message: 'x' } },
      'x',
      new Headers({ 'retry-after': '1' }),
    );
    const classified = classifyProviderError(err, 'Anthropic', 'ANTHROPIC');
    expect(classified).toBeInstanceOf(ModelCallError);
    expect((classified as ModelCallError).kind).toBe(kind);
    if (kind === 'retryable') expect((classified as ModelCallError).retryAfterMs).toBe(1_000);
  });

  it('treats connection errors as retryable and leaves programming errors alone', () => {
    const conn = classifyProviderError(
      new Anthropic.APIConnectionError({ message: 'reset' }),
      'Anthropic',
      'ANTHROPIC',
    );
    expect((conn as ModelCallError).kind).toBe('retryable');
    const bug = new TypeError('oops');
    expect(classifyProviderError(bug, 'Anthropic', 'ANTHROPIC')).toBe(bug);
  });
});

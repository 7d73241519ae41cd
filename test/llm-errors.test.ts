import Anthropic from '@anthropic-ai/sdk';
import {
  classifyProviderError,
  ModelCallError,
  ModelConfigError,
  parseRetryAfter,
  shapeOf,
  unusableAnswer,
} from '../src/llm/errors';

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

describe('provider error classification, message by message', () => {
  const apiError = (status: number, headers: Record<string, string> = {}) =>
    Anthropic.APIError.generate(status, { error: { message: 'x' } }, 'x', new Headers(headers));
  const classify = (err: unknown, provider = 'Anthropic', prefix = 'ANTHROPIC') =>
    classifyProviderError(err, provider, prefix) as ModelCallError;

  it('names the error classes', () => {
    expect(new ModelCallError('m', 'fatal', 'p').name).toBe('ModelCallError');
    expect(new ModelConfigError('m').name).toBe('ModelConfigError');
  });

  it.each([
    [400, 'the request was rejected as malformed; check the model name and options'],
    [401, 'the API key was refused; check OPENAI_API_KEY'],
    [403, 'the API key is not allowed to use this model; check OPENAI_API_KEY and the model name'],
    [404, 'the model or endpoint does not exist; check the model name and OPENAI_BASE_URL'],
    [422, 'the request was refused; a retry will not help'],
  ])('says what to fix after a %i, naming the variables of the provider', (status, fix) => {
    const err = classify(apiError(status), 'OpenAI', 'OPENAI');
    expect(err.message).toBe(`OpenAI API returned ${status}: ${apiError(status).message} (${fix})`);
    expect(err).toMatchObject({ kind: 'fatal', provider: 'OpenAI', status });
    expect(err.retryAfterMs).toBeUndefined();
  });

  it('keeps the status and the retry-after of a retryable error', () => {
    const err = classify(apiError(503, { 'retry-after': '7' }));
    expect(err.message).toBe(`Anthropic API returned 503: ${apiError(503).message}`);
    expect(err).toMatchObject({ kind: 'retryable', provider: 'Anthropic', status: 503, retryAfterMs: 7_000 });
  });

  it('retries a body that is not JSON, and a connection that failed, saying which', () => {
    const json = classify(new SyntaxError('Unexpected end of JSON input'));
    expect(json.message).toBe(
      'Anthropic sent a response that is not valid JSON (Unexpected end of JSON input)',
    );
    expect(json).toMatchObject({ kind: 'retryable', provider: 'Anthropic', status: undefined });
    const reset = classify(new Error('read ECONNRESET'));
    expect(reset.message).toBe('Anthropic connection failed: read ECONNRESET');
    expect(reset.kind).toBe('retryable');
    const timeout = Object.assign(new Error('Request timed out.'), { name: 'APIConnectionTimeoutError' });
    expect(classify(timeout).kind).toBe('retryable');
  });

  it('never turns an abort (the call was cancelled) into a retryable error, whatever its message says', () => {
    for (const name of ['AbortError', 'APIUserAbortError']) {
      const abort = Object.assign(new Error('aborted: socket hang up'), { name });
      expect(classifyProviderError(abort, 'Anthropic', 'ANTHROPIC')).toBe(abort);
    }
  });

  it('leaves what is not an Error alone', () => {
    expect(classifyProviderError('a string', 'Anthropic', 'ANTHROPIC')).toBe('a string');
  });
});

describe('retry-after parsing', () => {
  it('reads plain header objects as well as Headers', () => {
    expect(parseRetryAfter({ 'retry-after': '2' })).toBe(2_000);
    expect(parseRetryAfter({ 'retry-after-ms': '40' })).toBe(40);
    expect(parseRetryAfter({ 'retry-after': 2 })).toBeUndefined();
  });

  it('has nothing to say without headers', () => {
    for (const none of [undefined, null, 'retry-after: 2', 42]) expect(parseRetryAfter(none)).toBeUndefined();
  });

  it('takes a zero delay as it is', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '0' }))).toBe(0);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0' }), 0)).toBe(0);
  });

  it('prefers retry-after-ms, unless it is not a usable number', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    for (const bad of ['-5', 'soon', 'Infinity']) {
      expect(parseRetryAfter(new Headers({ 'retry-after-ms': bad, 'retry-after': '2' }))).toBe(2_000);
      expect(parseRetryAfter(new Headers({ 'retry-after-ms': bad }))).toBeUndefined();
    }
  });

  it('never gives a negative or endless delay', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '-3' }))).toBeGreaterThanOrEqual(0);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Infinity' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': new Date(1_000).toUTCString() }), 5_000)).toBe(0);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'whenever' }))).toBeUndefined();
  });
});

describe('answers that cannot be used', () => {
  it('say what came back and where to look, and are not retried', () => {
    const err = unusableAnswer('OpenAI', 'no choices', 'OPENAI');
    expect(err.message).toBe(
      'OpenAI answered 200 but no choices; retrying the same request will not help (if OPENAI_BASE_URL points at a proxy or another server, check that it speaks the OpenAI API)',
    );
    expect([err.kind, err.provider, err.status]).toEqual(['fatal', 'OpenAI', 200]);
  });

  it('describe a value by its shape, never its content', () => {
    expect(shapeOf(null)).toBe('null');
    expect(shapeOf([1, 2, 3])).toBe('an array of 3');
    expect(shapeOf({})).toBe('an empty object');
    expect(shapeOf({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, secret: 'x' })).toBe(
      'an object with a, b, c, d, e, f',
    );
    expect(shapeOf('a key')).toBe('string');
    expect(shapeOf(7)).toBe('number');
  });
});

/** Typed model-call errors: each says whether a retry can help and what a person should fix. */

export type ModelErrorKind = 'retryable' | 'fatal';

export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  constructor(
    message: string,
    readonly kind: ModelErrorKind,
    readonly provider: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Missing or unusable configuration: the worker cannot call this provider until someone fixes it. */
export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';
}

const RETRYABLE_STATUS = new Set([408, 409, 429, 529]);

const FIX_BY_STATUS: Record<number, string> = {
  400: 'the request was rejected as malformed; check the model name and options',
  401: 'the API key was refused; check {KEY}',
  403: 'the API key is not allowed to use this model; check {KEY} and the model name',
  404: 'the model or endpoint does not exist; check the model name and {BASE_URL}',
};

interface ErrorWithStatus {
  status?: unknown;
  headers?: unknown;
  message?: unknown;
  name?: unknown;
}

/**
 * Map an SDK error (Anthropic or OpenAI, which share a shape) to a ModelCallError. Errors that are not
 * API errors (programming errors, aborts) are returned unchanged.
 */
export function classifyProviderError(err: unknown, provider: string, envPrefix: string): unknown {
  if (!(err instanceof Error)) return err;
  if (err.name === 'AbortError' || err.name === 'APIUserAbortError') return err;
  if (err instanceof SyntaxError) {
    return new ModelCallError(
      `${provider} sent a response that is not valid JSON (${err.message})`,
      'retryable',
      provider,
    );
  }
  const e = err as ErrorWithStatus;
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status === undefined) {
    if (
      /Connection|Timeout/i.test(err.name) ||
      /ECONNRESET|ECONNREFUSED|socket hang up|timed out/i.test(err.message)
    ) {
      return new ModelCallError(`${provider} connection failed: ${err.message}`, 'retryable', provider);
    }
    return err;
  }
  const retryAfterMs = parseRetryAfter(e.headers);
  const detail = `${provider} API returned ${status}: ${err.message}`;
  if (RETRYABLE_STATUS.has(status) || status >= 500) {
    return new ModelCallError(detail, 'retryable', provider, status, retryAfterMs);
  }
  const fix = (FIX_BY_STATUS[status] ?? 'the request was refused; a retry will not help')
    .replace('{KEY}', `${envPrefix}_API_KEY`)
    .replace('{BASE_URL}', `${envPrefix}_BASE_URL`);
  return new ModelCallError(`${detail} (${fix})`, 'fatal', provider, status);
}

/** retry-after-ms, or retry-after as seconds or an HTTP date; undefined when absent or unparsable. */
export function parseRetryAfter(headers: unknown, now: number = Date.now()): number | undefined {
  const get = (name: string): string | undefined => {
    if (!headers || typeof headers !== 'object') return undefined;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  };
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && get('retry-after-ms') !== undefined) return ms;
  const raw = get('retry-after');
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * A 200 answer that is not what the API promises (an empty object, no choices, no content) or that says the
 * model will not answer (a refusal, a content filter): a retry of the same request cannot help.
 */
export function unusableAnswer(provider: string, what: string, envPrefix: string): ModelCallError {
  return new ModelCallError(
    `${provider} answered 200 but ${what}; retrying the same request will not help (if ${envPrefix}_BASE_URL points at a proxy or another server, check that it speaks the ${provider} API)`,
    'fatal',
    provider,
    200,
  );
}

/** A short description of a value's shape for an error message, never its content. */
export function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty object' : `an object with ${keys.slice(0, 6).join(', ')}`;
  }
  return typeof value;
}

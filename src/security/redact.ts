/**
 * Secrets never leave the worker: provider error bodies, exception messages and stack traces are scrubbed of
 * the configured key values and of anything shaped like a provider key before they can reach an activity
 * failure (and so history, the Web UI, CLI output and the dev server's database) or a log line.
 */

export const REDACTED = '[redacted]';

/** Shapes of keys and tokens of the providers this worker talks to, and of bearer credentials in general. */
const KEY_SHAPES: RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g, // Anthropic
  /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g, // OpenAI
  /\bBearer\s+[A-Za-z0-9._~+/=-]{12,}/gi,
  /\b(x-api-key|api[_-]?key|authorization)(["']?\s*[:=]\s*["']?)[^\s"',}]{8,}/gi,
];

/** Environment variables whose values are secrets, by name. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL)/i;
const MIN_SECRET_LENGTH = 8;

export class SecretRedactor {
  private readonly values: string[];

  /** `secrets`: values to scrub wherever they appear (e.g. the configured API keys). */
  constructor(secrets: (string | undefined)[]) {
    this.values = [...new Set(secrets.filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH))]
      // Longest first, so a secret that contains another is scrubbed whole.
      .sort((a, b) => b.length - a.length);
  }

  /** The configured keys plus every environment variable named like a secret. */
  static fromEnvironment(
    extra: (string | undefined)[] = [],
    env: NodeJS.ProcessEnv = process.env,
  ): SecretRedactor {
    const fromEnv = Object.entries(env)
      .filter(([name]) => SECRET_NAME.test(name))
      .map(([, value]) => value);
    return new SecretRedactor([...extra, ...fromEnv]);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.values) out = out.split(value).join(REDACTED);
    for (const shape of KEY_SHAPES) {
      out = out.replace(shape, (match, name?: string, sep?: string) =>
        typeof name === 'string' && typeof sep === 'string' ? `${name}${sep}${REDACTED}` : REDACTED,
      );
    }
    return out;
  }

  /**
   * Scrub an error in place, with its cause chain: message, stack, and string details. Returns it, so a
   * caller can rethrow the same object (its class, and so its retry semantics, are kept).
   */
  redactError<E>(err: E, depth = 0): E {
    if (!(err instanceof Error) || depth > 8) return err;
    const writable = err as Error & { details?: unknown[] };
    try {
      writable.message = this.redact(err.message);
      if (err.stack) writable.stack = this.redact(err.stack);
      if (Array.isArray(writable.details)) {
        writable.details = writable.details.map((d) => this.redactValue(d));
      }
    } catch {
      // A read-only property: leave it, the cause chain below is still scrubbed.
    }
    if (err.cause) this.redactError(err.cause, depth + 1);
    return err;
  }

  private redactValue(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactValue(v)]));
    }
    return value;
  }
}

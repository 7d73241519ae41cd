import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SecretRedactor } from '../security/redact';

/**
 * Every span leaves the process scrubbed of secrets: an exception recorded on a span (its message and stack
 * trace), a span's status message and its string attributes go through the same redactors as activity
 * failures. One choke point for the worker's spans, the activities' spans and the workflow's spans (which
 * reach the processor through the SDK's sink), whatever interceptor order recorded them.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  private readonly redactors: SecretRedactor[] = [];

  /** `inner`: where the scrubbed spans go (one processor per exporter). */
  constructor(private readonly inner: SpanProcessor[]) {}

  /** Scrub with `redactor` too (a worker adds the one built from its configured model keys). */
  addRedactor(redactor: SecretRedactor): void {
    if (!this.redactors.includes(redactor)) this.redactors.push(redactor);
  }

  onStart(span: Span, parentContext: Context): void {
    for (const p of this.inner) p.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const scrubbed = this.redactors.length === 0 ? span : this.scrubbed(span);
    for (const p of this.inner) p.onEnd(scrubbed);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.inner.map((p) => p.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.inner.map((p) => p.shutdown()));
  }

  private redact(text: string): string {
    return this.redactors.reduce((out, r) => r.redact(out), text);
  }

  private redactAttributes<T extends Record<string, unknown>>(attributes: T): T {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(attributes)) {
      out[key] = typeof value === 'string' ? this.redact(value) : value;
    }
    return out as T;
  }

  private scrubbed(span: ReadableSpan): ReadableSpan {
    return {
      name: span.name,
      kind: span.kind,
      spanContext: () => span.spanContext(),
      ...(span.parentSpanId !== undefined ? { parentSpanId: span.parentSpanId } : {}),
      startTime: span.startTime,
      endTime: span.endTime,
      status:
        span.status.message === undefined
          ? span.status
          : { ...span.status, message: this.redact(span.status.message) },
      attributes: this.redactAttributes(span.attributes),
      links: span.links,
      events: span.events.map((event) =>
        event.attributes ? { ...event, attributes: this.redactAttributes(event.attributes) } : event,
      ),
      duration: span.duration,
      ended: span.ended,
      resource: span.resource,
      instrumentationLibrary: span.instrumentationLibrary,
      droppedAttributesCount: span.droppedAttributesCount,
      droppedEventsCount: span.droppedEventsCount,
      droppedLinksCount: span.droppedLinksCount,
    };
  }
}

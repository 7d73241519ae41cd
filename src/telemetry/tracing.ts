/**
 * OpenTelemetry tracing with Temporal's official interceptors: the client's start (and every update, signal
 * and query it sends) carries the trace context in Temporal headers, the workflow continues it (its spans
 * reach the worker through a sink, never during replay), every activity continues it in turn, and the
 * activities add one span per model call and per tool call (see genai-spans.ts). One trace per run, from
 * `agent start` to the last tool call, across worker restarts: workflow span ids come from the workflow's
 * seeded random numbers, so a replaying worker re-creates the same run span and its later children hang
 * under it.
 *
 * Set up once per process from the standard OTEL_* variables (settings.ts); off, it is never set up, and
 * nothing is registered, bundled or wrapped.
 */
import type { Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { envDetectorSync, Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { SecretRedactor } from '../security/redact';
import { RedactingSpanProcessor } from './redacting-span-processor';
import { tracingSettings, type TracingSettings } from './settings';

/** The workflow-side interceptors, bundled into the workflow code of a traced worker (see bundle.ts). */
export const WORKFLOW_TRACING_MODULE =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** Name of the tracer of the project's own spans (model and tool calls). */
export const TRACER_NAME = 'plan-execute-temporal';

export class Tracing {
  readonly tracer: Tracer;

  constructor(
    readonly provider: BasicTracerProvider,
    readonly processor: RedactingSpanProcessor,
    readonly resource: Resource,
  ) {
    this.tracer = provider.getTracer(TRACER_NAME);
  }

  /** Scrub spans with `redactor` too (a worker adds the one with its configured keys). */
  addRedactor(redactor: SecretRedactor): void {
    this.processor.addRedactor(redactor);
  }

  /** Activity interceptors: each activity's span continues the trace its workflow put in the headers. */
  activityInterceptor(): ActivityInterceptorsFactory {
    return (ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: this.tracer }),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    });
  }

  /** The sink through which the workflow's spans leave the sandbox (never called during replay). */
  workflowSinks(): InjectedSinks<OpenTelemetrySinks> {
    return { exporter: makeWorkflowExporter(this.processor, this.resource) };
  }

  clientInterceptors(): WorkflowClientInterceptor[] {
    return [new OpenTelemetryWorkflowClientInterceptor({ tracer: this.tracer })];
  }

  /** Send what is buffered now (a CLI before it exits, a test before it looks). */
  async flush(): Promise<void> {
    await this.provider.forceFlush();
  }
}

let current: Tracing | undefined;
let decided = false;

/**
 * The process's tracing, set up on first call from the OTEL_* variables (OTEL_SERVICE_NAME, else
 * `serviceName`), or undefined when they do not ask for traces. Later calls return the same.
 */
export function tracingFromEnv(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): Tracing | undefined {
  if (decided) return current;
  const settings = tracingSettings(env);
  decided = true;
  if (settings) current = startTracing(serviceName, settings);
  return current;
}

/** The process's tracing if it is on (what the activities' span helpers ask). */
export function activeTracing(): Tracing | undefined {
  return current;
}

function startTracing(serviceName: string, settings: TracingSettings): Tracing {
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': serviceName }))
    .merge(envDetectorSync.detect());
  const processor = new RedactingSpanProcessor(
    settings.exporters.map((name) => processorFor(name, settings)),
  );
  // Secrets named in the environment and anything shaped like a key; workers add their configured keys.
  processor.addRedactor(SecretRedactor.fromEnvironment());
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  // Global, so that the interceptors' context propagation (Temporal headers) and the active span follow
  // async calls. The Anthropic SDK would trace on the global provider too: its client turns that off
  // (src/llm/anthropic.ts), so each model call is one span with the same attributes for every provider.
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  return new Tracing(provider, processor, resource);
}

function processorFor(name: 'otlp' | 'console', settings: TracingSettings): SpanProcessor {
  if (name === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter());
  // Both exporters read OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS and _TIMEOUT themselves.
  const exporter = settings.protocol === 'http/json' ? new OtlpJsonExporter() : new OtlpProtobufExporter();
  return new BatchSpanProcessor(exporter);
}

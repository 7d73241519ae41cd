/**
 * Telemetry settings from the environment: the standard OpenTelemetry variables for traces, METRICS_PORT and
 * METRICS_HOST for the worker's Prometheus endpoint. Tracing is off unless the variables ask for it, so a
 * worker nobody configured exports nothing and pays nothing per call.
 */
import { z } from 'zod';
import { ConfigError } from '../config';

export type TracesExporter = 'otlp' | 'console';
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingSettings {
  exporters: TracesExporter[];
  /** How OTLP spans are sent (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL). */
  protocol: OtlpProtocol;
}

export interface MetricsSettings {
  host: string;
  port: number;
}

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const TelemetryEnvSchema = z.object({
  OTEL_SDK_DISABLED: z.preprocess(blankIsUnset, z.enum(['true', 'false']).optional()),
  OTEL_TRACES_EXPORTER: z.preprocess(blankIsUnset, z.string().optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(blankIsUnset, z.url().optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.preprocess(blankIsUnset, z.url().optional()),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.preprocess(blankIsUnset, z.string().optional()),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.preprocess(blankIsUnset, z.string().optional()),
  METRICS_PORT: z.preprocess(
    (v) => (blankIsUnset(v) === undefined ? undefined : Number(v)),
    z.number().int().min(0).max(65_535, 'must be a port number (0 to 65535)').optional(),
  ),
  METRICS_HOST: z.preprocess(blankIsUnset, z.string().default('127.0.0.1')),
});

function parse(env: NodeJS.ProcessEnv) {
  const parsed = TelemetryEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid telemetry settings: ${problems}`);
  }
  return parsed.data;
}

/**
 * Whether and how to export traces. On when OTEL_TRACES_EXPORTER names an exporter, or when an OTLP endpoint
 * is set (then `otlp`); off with OTEL_TRACES_EXPORTER=none, OTEL_SDK_DISABLED=true, or nothing set.
 */
export function tracingSettings(env: NodeJS.ProcessEnv = process.env): TracingSettings | undefined {
  const e = parse(env);
  if (e.OTEL_SDK_DISABLED === 'true') return undefined;
  const named = (e.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (named.includes('none')) return undefined;
  if (named.length === 0 && !endpoint) return undefined;
  const exporters = named.length === 0 ? ['otlp'] : named;
  for (const name of exporters) {
    if (name !== 'otlp' && name !== 'console') {
      throw new ConfigError(
        `OTEL_TRACES_EXPORTER names "${name}", which this worker does not have: use otlp, console or none.`,
      );
    }
  }
  const protocol = e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    const variable = e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
      ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
      : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    throw new ConfigError(
      `${variable}=${protocol} is not supported: use http/protobuf (the default; a collector's port 4318) or http/json.`,
    );
  }
  return { exporters: exporters as TracesExporter[], protocol };
}

/** Where the worker serves Prometheus metrics, or undefined when METRICS_PORT is not set. */
export function metricsSettings(env: NodeJS.ProcessEnv = process.env): MetricsSettings | undefined {
  const e = parse(env);
  return e.METRICS_PORT === undefined ? undefined : { host: e.METRICS_HOST, port: e.METRICS_PORT };
}

/**
 * The Temporal SDK's own metrics (Core's: workflow and activity task latencies, poll counts, sticky cache,
 * completed workflows...) and the metrics workflow code emits through its `metricMeter`
 * (workflows/metrics.ts), served from the same registry, and so the same port, as the project's.
 *
 * Core can serve Prometheus itself, but only on its own port; instead the runtime is installed with a metrics
 * buffer (the SDK's buffered exporter, marked experimental in 1.24), which this bridge drains on every scrape
 * and every few seconds, keeping counters, gauges and histograms in the shape Prometheus reads. Core's metrics
 * keep Core's `temporal_` names, the project's their `plan_execute_` names.
 */
import { MetricsBuffer, type BufferedMetricUpdate } from '@temporalio/worker';
import type { MetricObjectWithValues, MetricValue, MetricValueWithName, Registry } from 'prom-client';

/** Buckets for durations in seconds (Core's, with useSecondsForDurations, and the project's). */
const SECONDS_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800,
];
/** Buckets for anything else (sizes, counts). */
const COUNT_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000];

const DRAIN_EVERY_MS = 5_000;

type Kind = 'counter' | 'gauge' | 'histogram';
interface Series {
  labels: Record<string, string>;
  value: number;
  buckets?: number[];
  count?: number;
}

/** One metric name: what prom-client's registry needs to print it (`name` and `get()`). */
class Family {
  readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly kind: Kind,
    readonly help: string,
    readonly bounds: number[],
    /** Gauges are set; counters, up-down counters (printed as gauges) and histogram sums add up. */
    private readonly adds: boolean,
  ) {}

  record(labels: Record<string, string>, value: number): void {
    const key = JSON.stringify(labels);
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels,
        value: 0,
        ...(this.kind === 'histogram' ? { buckets: this.bounds.map(() => 0), count: 0 } : {}),
      };
      this.series.set(key, series);
    }
    if (this.adds) series.value += value;
    else series.value = value;
    if (series.buckets && series.count !== undefined) {
      series.count += 1;
      this.bounds.forEach((bound, i) => {
        if (value <= bound) series.buckets![i] = (series.buckets![i] ?? 0) + 1;
      });
    }
  }

  get(): MetricObjectWithValues<MetricValue<string> | MetricValueWithName<string>> {
    const values: MetricValueWithName<string>[] = [];
    for (const s of this.series.values()) {
      if (!s.buckets || s.count === undefined) {
        values.push({ labels: s.labels, value: s.value });
        continue;
      }
      this.bounds.forEach((bound, i) =>
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...s.labels, le: String(bound) },
          value: s.buckets?.[i] ?? 0,
        }),
      );
      values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.value });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.kind as never,
      values,
      aggregator: 'sum',
      collect: () => undefined,
    };
  }

  reset(): void {
    this.series.clear();
  }
}

export class CoreMetricsBridge {
  /** Give this to `Runtime.install({ telemetryOptions: { metrics: { buffer } } })`. */
  readonly buffer = new MetricsBuffer({ maxBufferSize: 100_000, useSecondsForDurations: true });
  private readonly families = new Map<string, Family>();
  private registry: Registry | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** Start keeping the metrics in `registry` (drained every few seconds, and on every scrape). */
  attach(registry: Registry): void {
    this.registry = registry;
    for (const family of this.families.values()) registry.registerMetric(family as never);
    this.timer ??= setInterval(() => this.drain(), DRAIN_EVERY_MS);
    this.timer.unref();
  }

  detach(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Move what Core buffered into the families. */
  drain(): void {
    for (const update of this.buffer.retrieveUpdates()) this.apply(update);
  }

  private apply({ metric, value, attributes }: BufferedMetricUpdate): void {
    const kind: Kind =
      metric.kind === 'histogram' ? 'histogram' : metric.kind === 'counter' ? 'counter' : 'gauge';
    // Core's names come with its `temporal_` prefix; the workflows' with the project's.
    const name = sanitize(metric.name);
    let family = this.families.get(name);
    if (!family) {
      const seconds =
        metric.unit === 's' || metric.unit === 'seconds' || /(_seconds|latency|duration)/.test(name);
      const bounds = seconds ? SECONDS_BUCKETS : COUNT_BUCKETS;
      family = new Family(name, kind, metric.description || name, bounds, metric.kind !== 'gauge');
      this.families.set(name, family);
      this.registry?.registerMetric(family as never);
    }
    // The workflow meter's tags are camelCase (workflowType, taskQueue); Core's and Prometheus' snake_case.
    // Sorted, so a series prints the same whatever order its tags came in.
    const labels = Object.fromEntries(
      Object.entries(attributes)
        .map(([key, tag]) => [snakeCase(key), String(tag)] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    family.record(labels, value);
  }
}

function snakeCase(name: string): string {
  return sanitize(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
}

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

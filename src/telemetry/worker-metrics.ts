/**
 * A worker process's metrics, on one Prometheus endpoint: the SDK runtime's (through the Core bridge), the
 * project's (model and tool calls, tokens, dollars; step and re-plan durations from the workflows) and the
 * runs waiting for people. `installWorkerRuntime` must run before the process makes any Temporal connection.
 */
import { Client } from '@temporalio/client';
import { IllegalStateError } from '@temporalio/common';
import { Runtime, type Logger, type NativeConnection } from '@temporalio/worker';
import { CoreMetricsBridge } from './core-metrics';
import { enableMetrics } from './metrics';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { metricsSettings, type MetricsSettings } from './settings';
import { registerWaitingRunsGauge } from './waiting-runs';

export interface WorkerRuntime {
  /** Where metrics are to be served, when METRICS_PORT asks for them. */
  metrics?: MetricsSettings;
  bridge?: CoreMetricsBridge;
}

/**
 * Install the SDK runtime with `logger`, and with Core's metrics going to the bridge when METRICS_PORT is set
 * (without it, Core keeps no metrics and the workflows' metric calls cost nothing).
 */
export function installWorkerRuntime(
  options: { logger?: Logger; env?: NodeJS.ProcessEnv } = {},
): WorkerRuntime {
  const metrics = metricsSettings(options.env);
  const bridge = metrics ? new CoreMetricsBridge() : undefined;
  try {
    Runtime.install({
      ...(options.logger ? { logger: options.logger } : {}),
      ...(bridge ? { telemetryOptions: { metrics: { buffer: bridge.buffer } } } : {}),
    });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
    // The process installed its own runtime first (the drills' workers do, for their logger): keep it.
    if (metrics) {
      console.warn(
        "Warning: METRICS_PORT is set, but this process installed the Temporal runtime itself: the project's metrics are served without the SDK's.",
      );
    }
    return metrics ? { metrics } : {};
  }
  return { ...(metrics ? { metrics } : {}), ...(bridge ? { bridge } : {}) };
}

export interface ServeMetricsOptions {
  /** The worker's connection: the waiting-runs gauge asks the server through it. */
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  host: string;
  port: number;
  bridge?: CoreMetricsBridge;
}

/** Start recording the project's metrics and serve them with the rest; close the server when the worker stops. */
export async function serveWorkerMetrics(options: ServeMetricsOptions): Promise<MetricsServer> {
  const { registry } = enableMetrics();
  options.bridge?.attach(registry);
  const client = new Client({ connection: options.connection, namespace: options.namespace });
  registerWaitingRunsGauge(registry, client, options.taskQueue);
  const server = await startMetricsServer(registry, options.host, options.port, () =>
    options.bridge?.drain(),
  );
  return {
    url: server.url,
    async close() {
      options.bridge?.detach();
      await server.close();
    },
  };
}

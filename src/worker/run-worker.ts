import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { loadConfig } from '../config';
import { loadTemporalSettings } from '../config/temporal';
import { loadToolSetup, ToolBox, type ToolRegistry, type ToolSources } from '../tools';
import type { MetricsServer } from '../telemetry/metrics-server';
import { activeTracing } from '../telemetry/tracing';
import { installWorkerRuntime, serveWorkerMetrics } from '../telemetry/worker-metrics';
import { createWorker } from './create-worker';

/**
 * Connect with the TEMPORAL_* settings, run a worker until it is shut down (SIGINT/SIGTERM), and close the
 * connection and the MCP servers. Tools: `tools` replaces the built-in registry (e.g. to add custom tools);
 * otherwise the built-ins plus what the environment (TOOL_MODULES, MCP_CONFIG, TOOLS_CONFIG) and
 * `toolSources` (the worker's flags) name.
 */
export async function runWorker(
  options: {
    tools?: ToolRegistry | ToolBox;
    toolSources?: ToolSources;
    onReady?: (description: string) => void;
    workerOptions?: Partial<WorkerOptions>;
  } = {},
): Promise<void> {
  const config = loadConfig();
  const temporal = loadTemporalSettings();
  // Before any connection: the SDK runtime, with its metrics going to our endpoint when METRICS_PORT is set.
  const runtime = installWorkerRuntime();
  const owned = options.tools
    ? undefined
    : ToolBox.fromSetup(loadToolSetup(mergeSources(config.tools, options.toolSources)), (line) =>
        console.warn(line),
      );
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  let metrics: MetricsServer | undefined;
  try {
    const tools = options.tools ?? owned;
    const worker = await createWorker({
      connection,
      namespace: temporal.namespace,
      config,
      ...(tools ? { tools } : {}),
      ...(options.workerOptions ? { workerOptions: options.workerOptions } : {}),
    });
    metrics = runtime.metrics
      ? await serveWorkerMetrics({
          connection,
          namespace: temporal.namespace,
          taskQueue: config.taskQueue,
          ...runtime.metrics,
          ...(runtime.bridge ? { bridge: runtime.bridge } : {}),
        })
      : undefined;
    const servers = owned?.mcp?.connections.length ?? 0;
    const tracing = activeTracing();
    options.onReady?.(
      `Worker polling task queue "${config.taskQueue}" on ${temporal.address} (namespace ${temporal.namespace}); workspaces in ${config.workspaceRoot}; ${owned ? `${owned.registry.names().length} local tools, ${servers} MCP servers` : 'custom tools'}${metrics ? `; metrics at ${metrics.url}` : ''}${tracing ? '; traces exported (OTEL_* variables)' : ''}`,
    );
    // MCP servers start now, beside the polling, so the first run does not wait for them.
    void owned?.warmUp((line) => console.warn(line));
    await worker.run();
  } finally {
    await metrics?.close();
    await activeTracing()?.flush();
    await owned?.close();
    await connection.close();
  }
}

function mergeSources(fromEnv: ToolSources | undefined, fromFlags: ToolSources | undefined): ToolSources {
  const modules = [...(fromEnv?.modules ?? []), ...(fromFlags?.modules ?? [])];
  const mcpConfigFile = fromFlags?.mcpConfigFile ?? fromEnv?.mcpConfigFile;
  const toolsConfigFile = fromFlags?.toolsConfigFile ?? fromEnv?.toolsConfigFile;
  return {
    modules,
    ...(mcpConfigFile ? { mcpConfigFile } : {}),
    ...(toolsConfigFile ? { toolsConfigFile } : {}),
  };
}

import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { loadConfig } from '../config';
import { loadTemporalSettings } from '../config/temporal';
import type { ToolRegistry } from '../tools';
import { createWorker } from './create-worker';

/**
 * Connect with the TEMPORAL_* settings, run a worker until it is shut down (SIGINT/SIGTERM), and close the
 * connection. `tools` replaces the built-in registry (e.g. to add custom tools).
 */
export async function runWorker(
  options: {
    tools?: ToolRegistry;
    onReady?: (description: string) => void;
    workerOptions?: Partial<WorkerOptions>;
  } = {},
): Promise<void> {
  const config = loadConfig();
  const temporal = loadTemporalSettings();
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  try {
    const worker = await createWorker({
      connection,
      namespace: temporal.namespace,
      config,
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.workerOptions ? { workerOptions: options.workerOptions } : {}),
    });
    options.onReady?.(
      `Worker polling task queue "${config.taskQueue}" on ${temporal.address} (namespace ${temporal.namespace}); workspaces in ${config.workspaceRoot}`,
    );
    await worker.run();
  } finally {
    await connection.close();
  }
}

import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { loadTemporalSettings } from '../config/temporal';
import type { ToolRegistry } from '../tools';
import { createWorker, type CreateWorkerOptions } from './create-worker';

/**
 * Connect with the TEMPORAL_* settings, run a worker until it is shut down (SIGINT/SIGTERM), and close the
 * connection. `tools` replaces the built-in registry (e.g. to add custom tools); `extraWorkerOptions` are
 * handed to the Worker as they are (drills add interceptors).
 */
export async function runWorker(
  options: {
    tools?: ToolRegistry;
    onReady?: (description: string) => void;
    extraWorkerOptions?: CreateWorkerOptions['extraWorkerOptions'];
  } = {},
): Promise<void> {
  const config = loadConfig();
  const temporal = loadTemporalSettings();
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  const bundle = process.env.PE_WORKFLOW_BUNDLE;
  try {
    const worker = await createWorker({
      connection,
      namespace: temporal.namespace,
      config,
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.extraWorkerOptions ? { extraWorkerOptions: options.extraWorkerOptions } : {}),
      // A pre-built bundle (tests share one) saves the seconds bundling takes.
      ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
    });
    options.onReady?.(
      `Worker polling task queue "${config.taskQueue}" on ${temporal.address} (namespace ${temporal.namespace}); workspaces in ${config.workspaceRoot}`,
    );
    await worker.run();
  } finally {
    await connection.close();
  }
}

/** `npm run worker`: a worker for the task queue in TASK_QUEUE, connected with the TEMPORAL_* settings. */
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { loadTemporalSettings } from '../config/temporal';
import { createWorker } from './create-worker';

async function run(): Promise<void> {
  const config = loadConfig();
  const temporal = loadTemporalSettings();
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  try {
    const worker = await createWorker({ connection, namespace: temporal.namespace, config });
    console.log(
      `Worker polling task queue "${config.taskQueue}" on ${temporal.address} (namespace ${temporal.namespace}); workspaces in ${config.workspaceRoot}`,
    );
    await worker.run();
  } finally {
    await connection.close();
  }
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

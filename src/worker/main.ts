/** `npm run worker`: a worker for the task queue in TASK_QUEUE, connected with the TEMPORAL_* settings. */
import { runWorker } from './run-worker';

runWorker({ onReady: (description) => console.log(description) }).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * A worker of the cluster drill, in its own process (the drill kills some with SIGKILL): the built-in
 * tools plus record_effect. Settings come from the environment the drill gives it (TEMPORAL_ADDRESS,
 * TASK_QUEUE, WORKSPACE_ROOT, ANTHROPIC_BASE_URL, EFFECT_LOG, PE_WORKFLOW_BUNDLE).
 */
import { Runtime } from '@temporalio/worker';
import { builtInTools } from '../../../src/tools';
import { runWorker } from '../../../src/worker/run-worker';
import { DRILL_WORKER_READY, recordEffectTool } from './tool';

// Warnings and errors only: the log is read when something went wrong, not followed.
Runtime.install({
  logger: {
    log() {},
    trace() {},
    debug() {},
    info() {},
    warn: (message, meta) => console.warn(new Date().toISOString(), message, meta ?? ''),
    error: (message, meta) => console.error(new Date().toISOString(), message, meta ?? ''),
  },
});

runWorker({
  tools: builtInTools().register(recordEffectTool),
  onReady: (description) => console.log(`${DRILL_WORKER_READY}: ${description}`),
}).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { installWorkerRuntime, type WorkerRuntime } from '../../src/telemetry/worker-metrics';

let installed: WorkerRuntime | undefined;

/**
 * Install the SDK runtime with only errors logged: tests, drills and the bench assert or print their own
 * findings, and the worker's INFO chatter would bury them. Safe to call more than once (the first call wins).
 * `env` as the worker reads it: `{ METRICS_PORT: '0' }` keeps the SDK's metrics for the metrics endpoint.
 */
export function installQuietRuntime(env: NodeJS.ProcessEnv = {}): WorkerRuntime {
  installed ??= installWorkerRuntime({
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    env,
  });
  return installed;
}

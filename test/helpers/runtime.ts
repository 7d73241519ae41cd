import { Runtime } from '@temporalio/worker';

let installed = false;

/**
 * Install the SDK runtime with only errors logged: tests, drills and the bench assert or print their own
 * findings, and the worker's INFO chatter would bury them. Safe to call more than once.
 */
export function installQuietRuntime(): void {
  if (installed) return;
  Runtime.install({
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  installed = true;
}

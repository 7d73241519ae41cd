/**
 * A drill worker (test/drills/drill-worker.ts) in its own process, which a test may kill with SIGKILL or
 * which kills itself at a chosen point (DRILL_KILL_AFTER_STORE). Only what the worker needs is passed on:
 * no model key, no setting of the person running the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './cli';

export interface ChildWorkerSettings {
  address: string;
  taskQueue: string;
  workspaceRoot: string;
  /** The fake model server's URL (ANTHROPIC_BASE_URL). */
  modelBaseUrl: string;
  drillLog: string;
  /** Tools after whose stored results the worker kills itself (see test/drills/kill-after-store.ts). */
  killAfterStore?: string[];
}

export interface ChildWorker {
  child: ChildProcess;
  /** Resolves when the worker polls; rejects if it exits first. */
  ready: Promise<void>;
  /** Resolves with the signal (or exit code) the process ended with. */
  exited: Promise<NodeJS.Signals | number | null>;
}

export function startChildWorker(settings: ChildWorkerSettings): ChildWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/drills/drill-worker.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PE_WORKFLOW_BUNDLE: process.env.PE_WORKFLOW_BUNDLE,
      TEMPORAL_ADDRESS: settings.address,
      TASK_QUEUE: settings.taskQueue,
      WORKSPACE_ROOT: settings.workspaceRoot,
      ANTHROPIC_BASE_URL: settings.modelBaseUrl,
      DRILL_LOG: settings.drillLog,
      ...(settings.killAfterStore ? { DRILL_KILL_AFTER_STORE: settings.killAfterStore.join(',') } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('drill worker ready')) resolve();
    });
    void exited.then((how) => reject(new Error(`drill worker exited (${String(how)}) before it was ready`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited };
}

/** SIGKILL the worker if it still runs, and wait for it to be gone. */
export async function stopChildWorker(worker: ChildWorker | undefined): Promise<void> {
  if (!worker) return;
  const { child } = worker;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await worker.exited;
}

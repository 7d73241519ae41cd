/**
 * A worker in its own process, as a user runs it (`npm run worker -- --tools ... --mcp-config ...`), or the
 * drill worker that kills itself at a chosen moment (test/drills/tool-drill-worker.ts). A test may SIGKILL
 * it. Only what a worker needs is passed on: no model key, no setting of the person running the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './cli';

export interface ToolWorkerSettings {
  address: string;
  taskQueue: string;
  workspaceRoot: string;
  /** The fake model server's URL (ANTHROPIC_BASE_URL). */
  modelBaseUrl: string;
  /** The worker's flags: --tools PATH, --mcp-config FILE, --tools-config FILE. */
  flags: string[];
  /** Tools after whose stored results the drill worker kills itself; unset: the real entry point. */
  killAfterStore?: string[];
  /** Where the drill worker logs what it stored before dying. */
  drillLog?: string;
}

export interface ToolWorker {
  child: ChildProcess;
  /** Resolves once the worker polls; rejects (with its output) if it exits first. */
  ready: Promise<void>;
  /** The signal (or exit code) it ended with. */
  exited: Promise<NodeJS.Signals | number | null>;
  output(): string;
}

export function startToolWorker(settings: ToolWorkerSettings): ToolWorker {
  const entry = settings.killAfterStore ? 'test/drills/tool-drill-worker.ts' : 'src/worker/main.ts';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry), ...settings.flags], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: settings.address,
      TASK_QUEUE: settings.taskQueue,
      WORKSPACE_ROOT: settings.workspaceRoot,
      ANTHROPIC_BASE_URL: settings.modelBaseUrl,
      ...(settings.killAfterStore ? { KILL_AFTER_STORE: settings.killAfterStore.join(',') } : {}),
      ...(settings.drillLog ? { DRILL_LOG: settings.drillLog } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', () => {
      if (output.includes('Worker polling task queue')) resolve();
    });
    void exited.then((how) =>
      reject(new Error(`worker exited (${String(how)}) before it was ready:\n${output}`)),
    );
  });
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => output };
}

/** SIGKILL the worker if it still runs, and wait until it is gone. */
export async function stopToolWorker(worker: ToolWorker | undefined): Promise<void> {
  if (!worker) return;
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await worker.exited;
}

/**
 * Processes of a cluster: started detached (their own process group, output to a log file) with the
 * cluster's marker variable, stopped by id, and found again by that marker when the state file lost track.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MARKER_VARIABLE } from './paths';

export interface SpawnOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  log: string;
  cwd: string;
  clusterDir: string;
}

/** Starts a process that outlives its parent; returns its id (also its process group's id). */
export function spawnDetached(options: SpawnOptions): number {
  mkdirSync(path.dirname(options.log), { recursive: true });
  const fd = openSync(options.log, 'a');
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...options.env, [MARKER_VARIABLE]: options.clusterDir },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    if (child.pid === undefined) throw new Error(`could not start ${options.command}`);
    child.on('error', () => undefined);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The parent's process id, from /proc. */
export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Whether process `pid` was started for the cluster in `clusterDir` (its environment carries the marker). */
export function belongsTo(pid: number, clusterDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .includes(`${MARKER_VARIABLE}=${clusterDir}`);
  } catch {
    return false;
  }
}

/** Every live process whose environment carries this cluster's marker, except this one. */
export function processesOf(clusterDir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid !== process.pid && belongsTo(pid, clusterDir) && isAlive(pid));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig); // the whole group: a process started detached leads its own
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM (or `sig`), then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(
  pid: number,
  graceMs = 10_000,
  sig: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, sig);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (!isAlive(pid)) return;
  signal(pid, 'SIGKILL');
  const hardDeadline = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < hardDeadline) await sleep(100);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

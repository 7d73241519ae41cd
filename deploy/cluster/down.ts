/**
 * `down`: stops everything the cluster started: workers first (they finish their current tasks), the Web
 * UI, the Temporal services, then PostgreSQL; then any process still carrying the cluster's marker (what
 * an interrupted `up` started before it could note it). Data stays; delete the folder to start afresh.
 */
import { existsSync, lstatSync, readlinkSync, rmSync } from 'node:fs';
import path from 'node:path';
import { clusterPaths } from './paths';
import { findPostgresBin, postgresUser, postmasterPid, stopPostgres } from './postgres';
import { isAlive, processesOf, sleep, stopProcess } from './processes';
import { readState, writeState } from './state';

export interface DownReport {
  stopped: string[];
  /** Processes found by the marker only. */
  strays: number[];
}

export async function down(dir: string): Promise<DownReport> {
  const paths = clusterPaths(dir);
  const state = readState(paths.state);
  const stopped: string[] = [];
  if (state) {
    const byKind = (kind: string): [string, number][] =>
      Object.entries(state.processes)
        .filter(([, p]) => p.kind === kind)
        .map(([name, p]) => [name, p.pid]);
    for (const kind of ['worker', 'ui', 'temporal']) {
      await Promise.all(
        byKind(kind).map(async ([name, pid]) => {
          await stopProcess(pid, kind === 'worker' ? 20_000 : 15_000);
          stopped.push(name);
        }),
      );
    }
    state.processes = {};
    writeState(paths.state, state);
  }
  if (existsSync(paths.pgData)) {
    const user = state?.pg.user !== undefined ? state.pg.user : postgresUser();
    const bin = state?.pg.bin ?? findPostgresBin();
    try {
      const pg = { bin, user, password: state?.pg.password ?? '', port: state?.ports.postgres ?? 0, paths };
      const postmaster = postmasterPid(paths);
      if (await stopPostgres(pg)) stopped.push('postgres');
      // pg_ctl returns once the pid file is gone; the postmaster may take a moment more to exit.
      for (let i = 0; postmaster && isAlive(postmaster) && i < 100; i++) await sleep(100);
    } catch (err) {
      console.error(`pg_ctl stop failed (${(err as Error).message.split('\n')[0]}); stopping it by its id`);
    }
  }
  const strays = processesOf(paths.root);
  await Promise.all(strays.map((pid) => stopProcess(pid, 10_000)));
  return { stopped, strays };
}

/** Deletes the cluster's folder, and the folder its PostgreSQL data links to when it lives outside. */
export function purge(dir: string): void {
  const paths = clusterPaths(dir);
  try {
    if (lstatSync(paths.postgres).isSymbolicLink())
      rmSync(path.dirname(readlinkSync(paths.postgres)), { recursive: true, force: true });
  } catch {
    // no PostgreSQL folder
  }
  rmSync(paths.root, { recursive: true, force: true });
}

/** Ctrl-C while starting or drilling stops what was started before leaving. */
export function downOnInterrupt(dir: string): void {
  const stop = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: stopping the cluster in ${dir}`);
    void down(dir).finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** `status`: each process of the cluster, whether it lives and answers, and the addresses. */
import { existsSync } from 'node:fs';
import { httpOk, serviceHealth } from './health';
import { clusterPaths } from './paths';
import { postgresRunning, postmasterPid } from './postgres';
import { isAlive, parentOf, processesOf } from './processes';
import { frontendAddress, uiUrl } from './services';
import { readState } from './state';
import { TEMPORAL_SERVICES, type TemporalService } from './temporal-config';
import { postgresOf } from './up';

export interface StatusRow {
  name: string;
  pid: number | undefined;
  state: string;
  detail: string;
}

export async function status(
  dir: string,
): Promise<{ rows: StatusRow[]; addresses: string[]; strays: number[] }> {
  const paths = clusterPaths(dir);
  const state = existsSync(paths.state) ? readState(paths.state) : undefined;
  if (!state) return { rows: [], addresses: [], strays: processesOf(paths.root) };
  const pg = postgresOf(paths, state);
  const rows: StatusRow[] = [];
  const pgUp = await postgresRunning(pg);
  rows.push({
    name: 'postgres',
    pid: pgUp ? postmasterPid(paths) : undefined,
    state: pgUp ? 'running' : 'stopped',
    detail: `127.0.0.1:${state.ports.postgres}, data ${paths.pgData}`,
  });
  for (const [name, entry] of Object.entries(state.processes)) {
    const alive = isAlive(entry.pid);
    let detail = entry.log;
    const service = name.replace(/^temporal-/, '') as TemporalService;
    if (alive && entry.kind === 'temporal' && TEMPORAL_SERVICES.includes(service)) {
      const port = service === 'worker' ? state.ports.internalWorker : state.ports[service];
      detail = `:${port} ${await serviceHealth(service, port)}`;
    }
    if (alive && entry.kind === 'ui')
      detail = `${uiUrl(state)} ${(await httpOk(uiUrl(state))) ? 'answers' : 'no answer'}`;
    rows.push({ name, pid: entry.pid, state: alive ? 'running' : 'exited', detail });
  }
  const known = new Set(Object.values(state.processes).map((p) => p.pid));
  const postmaster = postmasterPid(paths);
  if (postmaster) known.add(postmaster);
  // Children of known processes (PostgreSQL's backends, tsx's esbuild) go with their parents.
  const strays = processesOf(paths.root).filter((pid) => !known.has(pid) && !known.has(parentOf(pid) ?? 0));
  return {
    rows,
    addresses: [`TEMPORAL_ADDRESS=${frontendAddress(state)}`, `TEMPORAL_UI_URL=${uiUrl(state)}`],
    strays,
  };
}

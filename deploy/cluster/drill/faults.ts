/**
 * The faults the cluster drill injects while runs are in flight, each timed from the moment it lands to
 * the moment the broken part is back (a new worker polling, a service SERVING, PostgreSQL accepting).
 */
import { restartPostgresImmediate, type Postgres } from '../postgres';
import { isAlive, sleep } from '../processes';
import {
  startTemporalService,
  startWorker,
  waitForService,
  type Cluster,
  type WorkerSpec,
} from '../services';
import { writeState } from '../state';

export const FAULT_KINDS = ['worker', 'history', 'frontend', 'postgres'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_LABELS: Record<FaultKind, string> = {
  worker: 'worker SIGKILLed, a new one started',
  history: 'history SIGKILLed and restarted',
  frontend: 'frontend SIGKILLed and restarted',
  postgres: 'PostgreSQL pg_ctl restart -m immediate',
};

export interface FaultRecord {
  kind: FaultKind;
  /** When it landed (ms since epoch). */
  at: number;
  /** When the broken part was back. */
  recoveredAt: number;
  detail: string;
}

export interface FaultTarget {
  cluster: Cluster;
  pg: Postgres;
  /** Names of the drill's live workers; a kill removes one, a start adds one. */
  workers: string[];
  newWorker: () => WorkerSpec;
}

async function killHard(pid: number): Promise<void> {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    process.kill(pid, 'SIGKILL');
  }
  while (isAlive(pid)) await sleep(20);
}

export async function inject(kind: FaultKind, target: FaultTarget): Promise<FaultRecord> {
  const { cluster } = target;
  if (kind === 'worker') {
    const index = Math.floor(Math.random() * target.workers.length);
    const victim = target.workers[index];
    const pid = victim ? cluster.state.processes[victim]?.pid : undefined;
    if (!victim || !pid) throw new Error('no live drill worker to kill');
    const at = Date.now();
    await killHard(pid);
    target.workers.splice(index, 1);
    delete cluster.state.processes[victim];
    writeState(cluster.paths.state, cluster.state);
    const spec = target.newWorker();
    await startWorker(cluster, spec);
    target.workers.push(spec.name);
    return {
      kind,
      at,
      recoveredAt: Date.now(),
      detail: `${victim} (pid ${pid}) killed, ${spec.name} started`,
    };
  }
  if (kind === 'postgres') {
    const at = Date.now();
    await restartPostgresImmediate(target.pg);
    return { kind, at, recoveredAt: Date.now(), detail: 'pg_ctl restart -m immediate' };
  }
  const name = `temporal-${kind}`;
  const pid = cluster.state.processes[name]?.pid;
  if (!pid) throw new Error(`${name} is not running`);
  const at = Date.now();
  await killHard(pid);
  startTemporalService(cluster, kind);
  await waitForService(cluster, kind);
  return {
    kind,
    at,
    recoveredAt: Date.now(),
    detail: `pid ${pid} killed, restarted as ${cluster.state.processes[name]?.pid}`,
  };
}

/**
 * Injects the planned faults one after another, `spacingMs` apart (after the previous one recovered),
 * the first `firstAfterMs` after the start; stops early once `inFlight()` says no run is left.
 */
export async function runFaultPlan(
  plan: FaultKind[],
  target: FaultTarget,
  timing: { firstAfterMs: number; spacingMs: number },
  inFlight: () => boolean,
  onFault: (record: FaultRecord) => void,
): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  await sleep(timing.firstAfterMs);
  for (const kind of plan) {
    if (!inFlight()) break;
    const record = await inject(kind, target);
    records.push(record);
    onFault(record);
    await sleep(timing.spacingMs);
  }
  return records;
}

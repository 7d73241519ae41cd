/** Starting and stopping the cluster's processes: Temporal services, the Web UI server, project workers. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Binaries } from './binaries';
import { portAcceptsConnections } from '../../src/devserver/dev-server';
import { httpOk, serviceHealth, waitUntil } from './health';
import { logFile, PROJECT_ROOT, type ClusterPaths } from './paths';
import { isAlive, spawnDetached } from './processes';
import { writeState, type ClusterState, type ProcessRecord } from './state';
import type { TemporalService } from './temporal-config';

export interface Cluster {
  paths: ClusterPaths;
  state: ClusterState;
  binaries: Binaries;
}

export const frontendAddress = (state: ClusterState): string => `127.0.0.1:${state.ports.frontend}`;
export const uiUrl = (state: ClusterState): string => `http://127.0.0.1:${state.ports.ui}`;
const servicePort = (state: ClusterState, service: TemporalService): number =>
  service === 'worker' ? state.ports.internalWorker : state.ports[service];

/** Only what a Go server needs: model keys and other secrets of the caller's shell stay out of it. */
function serverEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, LANG, TZ } = process.env;
  return { PATH, HOME, LANG, TZ };
}

function record(cluster: Cluster, name: string, entry: Omit<ProcessRecord, 'startedAt'>): void {
  cluster.state.processes[name] = { ...entry, startedAt: new Date().toISOString() };
  writeState(cluster.paths.state, cluster.state);
}

export function startTemporalService(cluster: Cluster, service: TemporalService): void {
  const log = logFile(cluster.paths, `temporal-${service}`);
  const pid = spawnDetached({
    command: cluster.binaries.server,
    args: ['--config-file', cluster.paths.temporalConfig, '--allow-no-auth', 'start', '--service', service],
    env: serverEnv(),
    log,
    cwd: cluster.paths.root,
    clusterDir: cluster.paths.root,
  });
  record(cluster, `temporal-${service}`, { pid, kind: 'temporal', log });
}

/** SERVING by its gRPC health service (the internal worker has none: alive is all it can show). */
export async function waitForService(
  cluster: Cluster,
  service: TemporalService,
  timeoutMs = 120_000,
): Promise<void> {
  const name = `temporal-${service}`;
  await waitUntil(
    `Temporal ${service} SERVING`,
    async () => {
      const pid = cluster.state.processes[name]?.pid;
      if (!pid || !isAlive(pid)) throw new Error(`${name} exited; see ${logFile(cluster.paths, name)}`);
      const health = await serviceHealth(service, servicePort(cluster.state, service));
      return health === 'SERVING' || health === 'n/a' || health;
    },
    timeoutMs,
  );
}

/** Until the service's gRPC port accepts connections (it has passed its start-up, metadata included). */
export async function waitForListening(
  cluster: Cluster,
  service: TemporalService,
  port: number,
): Promise<void> {
  const name = `temporal-${service}`;
  await waitUntil(
    `Temporal ${service} to listen on ${port}`,
    async () => {
      const pid = cluster.state.processes[name]?.pid;
      if (!pid || !isAlive(pid)) throw new Error(`${name} exited; see ${logFile(cluster.paths, name)}`);
      return portAcceptsConnections('127.0.0.1', port);
    },
    60_000,
  );
}

export function startUi(cluster: Cluster): void {
  const log = logFile(cluster.paths, 'ui');
  const pid = spawnDetached({
    command: cluster.binaries.ui,
    args: ['--root', cluster.paths.uiRoot, '--config', 'config', '--env', 'cluster', 'start'],
    env: serverEnv(),
    log,
    cwd: cluster.paths.uiRoot,
    clusterDir: cluster.paths.root,
  });
  record(cluster, 'ui', { pid, kind: 'ui', log });
}

export async function waitForUi(cluster: Cluster, timeoutMs = 60_000): Promise<void> {
  await waitUntil(
    'the Web UI to answer',
    async () => {
      const pid = cluster.state.processes.ui?.pid;
      if (!pid || !isAlive(pid))
        throw new Error(`the Web UI server exited; see ${logFile(cluster.paths, 'ui')}`);
      return httpOk(uiUrl(cluster.state));
    },
    timeoutMs,
  );
}

export interface WorkerSpec {
  /** Name in the state file and of its log, e.g. `worker-1`. */
  name: string;
  /** The TypeScript entry point, run with tsx. */
  entry: string;
  /** A line the worker prints once it polls. */
  readyText: string;
  env?: NodeJS.ProcessEnv;
}

/** The caller's environment (model keys included) less any TEMPORAL_* that would point elsewhere. */
function workerEnv(cluster: Cluster, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TEMPORAL_')));
  return {
    ...env,
    TEMPORAL_ADDRESS: frontendAddress(cluster.state),
    TEMPORAL_NAMESPACE: cluster.state.namespace,
    ...(existsSync(cluster.paths.workflowBundle) ? { PE_WORKFLOW_BUNDLE: cluster.paths.workflowBundle } : {}),
    ...extra,
  };
}

/** Starts a worker; the promise it returns settles once the worker's own output shows its ready line. */
export function startWorker(cluster: Cluster, spec: WorkerSpec, timeoutMs = 120_000): Promise<void> {
  const log = logFile(cluster.paths, spec.name);
  const offset = existsSync(log) ? statSync(log).size : 0;
  const pid = spawnDetached({
    command: process.execPath,
    args: ['--import', 'tsx', path.resolve(PROJECT_ROOT, spec.entry)],
    env: workerEnv(cluster, spec.env),
    log,
    cwd: PROJECT_ROOT,
    clusterDir: cluster.paths.root,
  });
  record(cluster, spec.name, { pid, kind: 'worker', log });
  return waitUntil(
    `worker ${spec.name} to poll`,
    () => {
      if (!isAlive(pid)) throw new Error(`worker ${spec.name} exited; see ${log}`);
      return Promise.resolve(readFileSync(log).subarray(offset).toString().includes(spec.readyText));
    },
    timeoutMs,
  );
}

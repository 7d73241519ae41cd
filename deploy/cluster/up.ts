/**
 * `up`: build (or reuse) the binaries, initialise and start PostgreSQL, create and migrate the databases,
 * write the configs, start frontend, history, matching and the internal worker as separate processes, the
 * Web UI server and N project workers, and register the namespace and search attributes. An `up` that
 * fails stops whatever it started.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { bundleWorkflowCode } from '@temporalio/worker';
import { portAcceptsConnections } from '../../src/devserver/dev-server';
import { ensureBinaries } from './binaries';
import { down } from './down';
import { registerNamespace } from './namespace';
import { clusterPaths, logFile, type ClusterPaths } from './paths';
import {
  findPostgresBin,
  initPostgres,
  postgresRunning,
  postgresUser,
  startPostgres,
  type Postgres,
} from './postgres';
import { migrateSchemas } from './schema';
import {
  frontendAddress,
  startTemporalService,
  startUi,
  startWorker,
  waitForListening,
  waitForService,
  waitForUi,
  type Cluster,
  type WorkerSpec,
} from './services';
import { readState, writeState, type ClusterState, type Ports } from './state';
import { TEMPORAL_SERVICES, writeConfigs } from './temporal-config';

export interface UpOptions {
  dir: string;
  /** Project workers to start (`npm run worker` each, in its own process). */
  workers: number;
  namespace: string;
  frontendPort?: number;
  uiPort?: number;
  /** Temporal services' log level (debug, info, warn, error). */
  logLevel: string;
  progress: (line: string) => void;
}

export interface UpResult {
  cluster: Cluster;
  /** Seconds per phase, in order. */
  timings: [string, number][];
  alreadyRunning: boolean;
}

export const projectWorker = (index: number): WorkerSpec => ({
  name: `worker-${index}`,
  entry: 'src/worker/main.ts',
  readyText: 'Worker polling task queue',
});

export function postgresOf(paths: ClusterPaths, state: ClusterState): Postgres {
  return {
    bin: state.pg.bin,
    user: state.pg.user,
    password: state.pg.password,
    port: state.ports.postgres,
    paths,
  };
}

export async function up(options: UpOptions): Promise<UpResult> {
  const paths = clusterPaths(options.dir);
  mkdirSync(paths.logs, { recursive: true });
  const previous = readState(paths.state);
  if (previous && (await isRunning(paths, previous))) {
    const binaries = await ensureBinaries(() => undefined);
    return { cluster: { paths, state: previous, binaries }, timings: [], alreadyRunning: true };
  }
  // Whatever an earlier `up` left half-started goes first.
  await down(options.dir);
  try {
    return await start(paths, previous, options);
  } catch (err) {
    options.progress(`up failed; stopping what it started`);
    await down(options.dir);
    throw err;
  }
}

async function isRunning(paths: ClusterPaths, state: ClusterState): Promise<boolean> {
  return (
    (await postgresRunning(postgresOf(paths, state))) &&
    (await portAcceptsConnections('127.0.0.1', state.ports.frontend))
  );
}

async function start(
  paths: ClusterPaths,
  previous: ClusterState | undefined,
  options: UpOptions,
): Promise<UpResult> {
  const timings: [string, number][] = [];
  let mark = Date.now();
  const phase = (name: string): void => {
    timings.push([name, (Date.now() - mark) / 1000]);
    mark = Date.now();
  };

  const binaries = await ensureBinaries(options.progress);
  phase('binaries (build or reuse)');

  const state: ClusterState = {
    version: 1,
    namespace: options.namespace,
    binDir: binaries.dir,
    pg: {
      bin: findPostgresBin(),
      user: postgresUser(),
      password: previous?.pg.password ?? randomBytes(18).toString('base64url'),
    },
    ports: await choosePorts(previous?.ports, options),
    processes: {},
  };
  const cluster: Cluster = { paths, state, binaries };
  writeState(paths.state, state);
  const pg = postgresOf(paths, state);
  const created = await initPostgres(pg);
  await startPostgres(pg);
  phase(created ? 'PostgreSQL initialised and started' : 'PostgreSQL started');

  await migrateSchemas(binaries, { port: pg.port, password: pg.password, log: logFile(paths, 'schema') });
  phase('databases created and migrated');

  writeConfigs(paths, state.ports, pg.password, options.namespace, options.logLevel);
  // The frontend first, until it listens: on an empty database every service writes the cluster metadata
  // at start, and the ones that lose that race exit (duplicate key) instead of reading it back.
  startTemporalService(cluster, 'frontend');
  await waitForListening(cluster, 'frontend', state.ports.frontend);
  for (const service of TEMPORAL_SERVICES) if (service !== 'frontend') startTemporalService(cluster, service);
  await Promise.all(TEMPORAL_SERVICES.map((service) => waitForService(cluster, service)));
  phase('Temporal services SERVING');

  const attributes = await registerNamespace(frontendAddress(state), options.namespace);
  options.progress(`namespace ${options.namespace}, search attributes ${attributes.join(', ')}`);
  phase('namespace and search attributes');

  startUi(cluster);
  await bundle(paths);
  const workers = Array.from({ length: options.workers }, (_, i) => projectWorker(i + 1));
  await Promise.all([waitForUi(cluster), ...workers.map((spec) => startWorker(cluster, spec))]);
  phase(`Web UI and ${options.workers} workers ready`);
  return { cluster, timings, alreadyRunning: false };
}

/** The ports of the last `up` when they are all still free (addresses stay the same), else new free ones. */
async function choosePorts(previous: Ports | undefined, options: UpOptions): Promise<Ports> {
  const pinned: Partial<Ports> = {
    ...(options.frontendPort ? { frontend: options.frontendPort } : {}),
    ...(options.uiPort ? { ui: options.uiPort } : {}),
  };
  const candidate = previous ? { ...previous, ...pinned } : undefined;
  if (candidate && (await allFree(Object.values(candidate)))) return candidate;
  for (const [name, port] of Object.entries(pinned))
    if (!(await allFree([port]))) throw new Error(`Port ${port} (${name}) is in use; choose another one.`);
  const taken = new Set<number>(Object.values(pinned));
  const next = async (): Promise<number> => {
    for (let tries = 0; tries < 1_000; tries++) {
      // Below 32768: the PostgreSQL schema keeps membership ports in a SMALLINT column (a port the OS hands
      // out, 32768 and up, fails the service at start), and the OS never picks these for its own connections.
      const port = 20_000 + Math.floor(Math.random() * 12_768);
      if (!taken.has(port) && (await canListen(port))) {
        taken.add(port);
        return port;
      }
    }
    throw new Error('no free port found between 20000 and 32767');
  };
  return {
    postgres: await next(),
    frontend: pinned.frontend ?? (await next()),
    frontendHttp: await next(),
    frontendMembership: await next(),
    history: await next(),
    historyMembership: await next(),
    matching: await next(),
    matchingMembership: await next(),
    internalWorker: await next(),
    internalWorkerMembership: await next(),
    ui: pinned.ui ?? (await next()),
  };
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function allFree(ports: number[]): Promise<boolean> {
  for (const port of ports) if (await portAcceptsConnections('127.0.0.1', port)) return false;
  return true;
}

/** One workflow bundle for every worker of the cluster: each would otherwise spend seconds bundling. */
async function bundle(paths: ClusterPaths): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  writeFileSync(paths.workflowBundle, code);
}

/**
 * The Temporal server's config (PostgreSQL persistence, SQL visibility, the shared dynamic config file) and
 * the Web UI server's, written on every `up` from the cluster's ports. YAML is a superset of JSON, so both
 * are written as JSON, which both loaders read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DYNAMIC_CONFIG_FILE, type ClusterPaths } from './paths';
import { DATABASE_USER } from './postgres';
import type { Ports } from './state';

export const HISTORY_SHARDS = 4;
/** Temporal's service names, each run as its own process. */
export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export function serverConfig(ports: Ports, password: string, logLevel: string): object {
  const sql = (databaseName: string, maxConns: number): object => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${ports.postgres}`,
      connectProtocol: 'tcp',
      user: DATABASE_USER,
      password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, extra: object = {}): object => ({
    rpc: { grpcPort, membershipPort, bindOnIP: '127.0.0.1', ...extra },
  });
  return {
    log: { stdout: true, level: logLevel },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: {
        'postgres-default': sql('temporal', 20),
        'postgres-visibility': sql('temporal_visibility', 10),
      },
    },
    // No metrics and no pprof: each service is its own process and would fight over one port.
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: rpc(ports.frontend, ports.frontendMembership, { httpPort: ports.frontendHttp }),
      history: rpc(ports.history, ports.historyMembership),
      matching: rpc(ports.matching, ports.matchingMembership),
      worker: rpc(ports.internalWorker, ports.internalWorkerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend}`,
          httpAddress: `127.0.0.1:${ports.frontendHttp}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: DYNAMIC_CONFIG_FILE, pollInterval: '10s' },
  };
}

export function uiConfig(ports: Ports, namespace: string): object {
  return {
    temporalGrpcAddress: `127.0.0.1:${ports.frontend}`,
    host: '127.0.0.1',
    port: ports.ui,
    enableUi: true,
    defaultNamespace: namespace,
    // No calls to the internet from the UI's pages.
    disableNewsFetch: true,
    notifyOnNewVersion: false,
    refreshInterval: '1m',
    cors: { cookieInsecure: true, allowOrigins: [`http://127.0.0.1:${ports.ui}`] },
    auth: { enabled: false },
  };
}

export function writeConfigs(
  paths: ClusterPaths,
  ports: Ports,
  password: string,
  namespace: string,
  logLevel: string,
): void {
  mkdirSync(path.dirname(paths.temporalConfig), { recursive: true });
  writeFileSync(paths.temporalConfig, JSON.stringify(serverConfig(ports, password, logLevel), null, 2), {
    mode: 0o600,
  });
  const uiDir = path.join(paths.uiRoot, 'config');
  mkdirSync(uiDir, { recursive: true });
  writeFileSync(path.join(uiDir, 'cluster.yaml'), JSON.stringify(uiConfig(ports, namespace), null, 2));
}

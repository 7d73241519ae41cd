/** Where a cluster keeps everything: one folder (`.cluster/` by default) with data, config, logs and state. */
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_CLUSTER_DIR = path.join(PROJECT_ROOT, '.cluster');
/** The dynamic config shared with docker-compose.yml. */
export const DYNAMIC_CONFIG_FILE = path.join(PROJECT_ROOT, 'deploy/temporal/dynamicconfig/cluster.yaml');
export const BUILD_SCRIPT = path.join(PROJECT_ROOT, 'deploy/temporal-server/build.sh');

/**
 * Every process a cluster starts carries this variable with the cluster's folder, so `down` can find and
 * stop whatever an interrupted `up` left behind, and nothing else.
 */
export const MARKER_VARIABLE = 'PE_CLUSTER_DIR';

export interface ClusterPaths {
  root: string;
  state: string;
  logs: string;
  /** PostgreSQL's folder (a link to a folder the database user can reach when the project's cannot be). */
  postgres: string;
  pgData: string;
  pgLog: string;
  temporalConfig: string;
  uiRoot: string;
  workflowBundle: string;
}

export function clusterPaths(root: string): ClusterPaths {
  const dir = path.resolve(root);
  return {
    root: dir,
    state: path.join(dir, 'state.json'),
    logs: path.join(dir, 'logs'),
    postgres: path.join(dir, 'postgres'),
    pgData: path.join(dir, 'postgres', 'data'),
    pgLog: path.join(dir, 'logs', 'postgres.log'),
    temporalConfig: path.join(dir, 'temporal', 'config.yaml'),
    uiRoot: path.join(dir, 'ui'),
    workflowBundle: path.join(dir, 'workflow-bundle.js'),
  };
}

export function logFile(paths: ClusterPaths, name: string): string {
  return path.join(paths.logs, `${name}.log`);
}

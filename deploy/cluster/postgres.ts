/**
 * PostgreSQL for the cluster: its own data folder on a free port, TCP on 127.0.0.1 only, password auth.
 * PostgreSQL refuses to run as root, so when the cluster is started by root it runs as the `postgres`
 * user (or `pe-cluster`, created when there is none); otherwise as the user who started it.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { MARKER_VARIABLE, type ClusterPaths } from './paths';

/** The PostgreSQL major version the cluster and docker-compose.yml both use. */
export const POSTGRES_MAJOR = 15;
export const DATABASE_USER = 'temporal';

export interface Postgres {
  bin: string;
  /** Runs as this user; null: as the current one. */
  user: string | null;
  password: string;
  port: number;
  paths: ClusterPaths;
}

export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const bin = env.CLUSTER_PG_BIN?.trim() || `/usr/lib/postgresql/${POSTGRES_MAJOR}/bin`;
  if (!existsSync(path.join(bin, 'pg_ctl')))
    throw new Error(
      `PostgreSQL ${POSTGRES_MAJOR} server programs were not found in ${bin}. Install them (Debian: apt-get install postgresql-${POSTGRES_MAJOR}) or set CLUSTER_PG_BIN to the folder holding pg_ctl.`,
    );
  return bin;
}

/** The user PostgreSQL runs as: null when not root; else `postgres`, or a system user created for it. */
export function postgresUser(): string | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'pe-cluster']) {
    try {
      execFileSync('id', ['-u', name], { stdio: 'ignore' });
      return name;
    } catch {
      // no such user
    }
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'pe-cluster']);
  return 'pe-cluster';
}

function asUser(pg: Pick<Postgres, 'user'>, command: string, args: string[]): [string, string[]] {
  return pg.user ? ['runuser', ['-u', pg.user, '--', command, ...args]] : [command, args];
}

/** Runs a PostgreSQL program as its user, output appended to the PostgreSQL log; fails with the log's tail. */
async function run(pg: Postgres, program: string, args: string[], okCodes = [0]): Promise<number> {
  const [command, argv] = asUser(pg, path.join(pg.bin, program), args);
  mkdirSync(path.dirname(pg.paths.pgLog), { recursive: true });
  const fd = openSync(pg.paths.pgLog, 'a');
  try {
    // The server started by pg_ctl keeps these descriptors: its log goes to the same file.
    const child = spawn(command, argv, {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, [MARKER_VARIABLE]: pg.paths.root },
    });
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode ?? 1));
    });
    if (!okCodes.includes(code)) {
      const tail = readFileSync(pg.paths.pgLog, 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`${program} ${args.join(' ')} exited with ${code}; end of ${pg.paths.pgLog}:\n${tail}`);
    }
    return code;
  } finally {
    closeSync(fd);
  }
}

function canWrite(pg: Pick<Postgres, 'user'>, dir: string): boolean {
  const [command, args] = asUser(pg, 'test', ['-w', dir, '-a', '-x', dir]);
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The PostgreSQL folder, owned by its user. When that user cannot reach the project's folder (a clone under
 * /root, say), the data lives under /var/tmp and `.cluster/postgres` links to it.
 */
function preparePostgresFolder(pg: Postgres): void {
  if (existsSync(pg.paths.postgres)) return;
  mkdirSync(pg.paths.postgres, { recursive: true, mode: 0o700 });
  if (pg.user) chownSync(pg.paths.postgres, ...ids(pg.user));
  if (canWrite(pg, pg.paths.postgres)) return;
  execFileSync('rm', ['-rf', pg.paths.postgres]);
  const hash = createHash('sha256').update(pg.paths.root).digest('hex').slice(0, 12);
  const outside = path.join('/var/tmp', `pe-cluster-${hash}`, 'postgres');
  mkdirSync(outside, { recursive: true, mode: 0o700 });
  if (pg.user) {
    chownSync(path.dirname(outside), ...ids(pg.user));
    chownSync(outside, ...ids(pg.user));
  }
  symlinkSync(outside, pg.paths.postgres);
}

function ids(user: string): [number, number] {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return [uid, gid];
}

/**
 * The data folder by its real path: when `.cluster/postgres` links outside, the database user may not be able
 * to pass through the project's folders to follow the link.
 */
function dataDir(pg: Pick<Postgres, 'paths'>): string {
  return existsSync(pg.paths.postgres) ? path.join(realpathSync(pg.paths.postgres), 'data') : pg.paths.pgData;
}

/** Creates the data folder (once): database superuser `temporal` with the cluster's password. */
export async function initPostgres(pg: Postgres): Promise<boolean> {
  preparePostgresFolder(pg);
  if (existsSync(path.join(dataDir(pg), 'PG_VERSION'))) return false;
  const pwfile = path.join(realpathSync(pg.paths.postgres), 'initdb.pw');
  writeFileSync(pwfile, `${pg.password}\n`, { mode: 0o600 });
  if (pg.user) chownSync(pwfile, ...ids(pg.user));
  try {
    await run(pg, 'initdb', [
      '-D',
      dataDir(pg),
      '-U',
      DATABASE_USER,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
    ]);
  } finally {
    execFileSync('rm', ['-f', pwfile]);
  }
  const conf = path.join(dataDir(pg), 'postgresql.conf');
  writeFileSync(conf, `${readFileSync(conf, 'utf8')}\ninclude_if_exists = 'cluster.conf'\n`);
  return true;
}

/** Settings written at every start: the port may have changed since the last one. */
function writeClusterConf(pg: Postgres): void {
  const file = path.join(dataDir(pg), 'cluster.conf');
  writeFileSync(
    file,
    [
      '# Written by deploy/cluster on every `up`.',
      "listen_addresses = '127.0.0.1'",
      `port = ${pg.port}`,
      // TCP only: a socket path under a deep project folder can exceed the 107-byte limit.
      "unix_socket_directories = ''",
      // Four Temporal services with their pools, the schema tool and psql.
      'max_connections = 300',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
}

export async function startPostgres(pg: Postgres): Promise<void> {
  writeClusterConf(pg);
  if (await postgresRunning(pg)) return;
  await run(pg, 'pg_ctl', ['-D', dataDir(pg), '-w', '-t', '120', 'start']);
}

/** `pg_ctl status`: 0 running, 3 not running. */
export async function postgresRunning(pg: Postgres): Promise<boolean> {
  if (!existsSync(path.join(dataDir(pg), 'PG_VERSION'))) return false;
  return (await run(pg, 'pg_ctl', ['-D', dataDir(pg), 'status'], [0, 3, 4])) === 0;
}

/** Stops PostgreSQL if it runs; says whether it did. */
export async function stopPostgres(pg: Postgres, mode: 'fast' | 'immediate' = 'fast'): Promise<boolean> {
  if (!(await postgresRunning(pg))) return false;
  await run(pg, 'pg_ctl', ['-D', dataDir(pg), '-m', mode, '-w', '-t', '60', 'stop']);
  return true;
}

/** The fault the cluster drill injects: `pg_ctl restart -m immediate` (no clean shutdown; WAL recovery on start). */
export async function restartPostgresImmediate(pg: Postgres): Promise<void> {
  await run(pg, 'pg_ctl', ['-D', dataDir(pg), '-m', 'immediate', '-w', '-t', '120', 'restart']);
}

/** The postmaster's process id, from its pid file. */
export function postmasterPid(paths: ClusterPaths): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(paths.pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { devServerSearchAttributeArgs } from '../../workflows/search-attributes';

export interface DevServerOptions {
  cliPath: string;
  ip?: string;
  port: number;
  uiPort?: number;
  /** SQLite file: runs survive a restart of the server. Omit for an in-memory server. */
  dbFile?: string;
  namespace?: string;
  extraArgs?: string[];
  /** Where the server's own output goes; defaults to a log file beside the database, or discarded. */
  logFile?: string;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Dynamic config every dev server the project starts gets: eager activity dispatch, so the worker that
 * completes a workflow task gets the activity it scheduled in the same response instead of polling for it.
 */
export const DEV_SERVER_DYNAMIC_CONFIG = [
  '--dynamic-config-value',
  'system.enableActivityEagerExecution=true',
  // The project's search attributes, so runs are filterable by status, steps, cost and models.
  ...devServerSearchAttributeArgs(),
];

/** Start `temporal server start-dev` and wait until its gRPC port accepts connections. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--log-level', 'warn'];
  // No news fetch: the UI would try to reach the internet on every page load.
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (options.namespace) args.push('--namespace', options.namespace);
  args.push(...DEV_SERVER_DYNAMIC_CONFIG, ...(options.extraArgs ?? []));

  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: number | null | undefined;
  // Do not leave a server behind when this process ends without stopping it.
  const killOnExit = (): void => {
    if (exited === undefined) child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  child.on('exit', (code) => {
    exited = code;
    process.off('exit', killOnExit);
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await portAcceptsConnections(ip, options.port))) {
    if (exited !== undefined) {
      throw new Error(`temporal server start-dev exited with code ${exited}:\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `temporal server start-dev did not listen on ${ip}:${options.port} in time:\n${output}`,
      );
    }
    await sleep(200);
  }

  return {
    address: `${ip}:${options.port}`,
    ...(options.uiPort ? { uiUrl: `http://${ip}:${options.uiPort}` } : {}),
    process: child,
    async stop() {
      if (exited !== undefined) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}

export function portAcceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port the OS says is free on `host` right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Real third-party MCP servers from npm, started from their installed packages (no npx download at test
 * time): @modelcontextprotocol/server-everything (stdio, or Streamable HTTP on a port) and
 * @modelcontextprotocol/server-filesystem (stdio; the devDependency server-filesystem-2026-01 is its 2026.1.14
 * release, installed under an alias for the "server upgraded mid-run" test). Also: config files in the shape users have, and a stdio
 * entry that records every message the worker sends the server (its stdin), through `tee`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/devserver/dev-server';
import { waitFor } from './wait';

/** The file an installed package's bin runs. */
export function packageBin(pkg: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  const file = typeof bin === 'string' ? bin : Object.values(bin)[0];
  if (!file) throw new Error(`${pkg} has no bin`);
  return path.join(path.dirname(manifest), file);
}

export const EVERYTHING = '@modelcontextprotocol/server-everything';
export const FILESYSTEM = '@modelcontextprotocol/server-filesystem';
export const FILESYSTEM_2026_01 = 'server-filesystem-2026-01';

type Entry = Record<string, unknown>;

export function stdioEntry(pkg: string, args: string[] = []): Entry {
  return { command: process.execPath, args: [packageBin(pkg), ...args] };
}

/** A stdio entry whose server's stdin (every request and notification the worker sends) is copied to `log`. */
export function recordedStdioEntry(pkg: string, log: string, args: string[] = []): Entry {
  const quoted = [process.execPath, packageBin(pkg), ...args].map((a) => `'${a}'`).join(' ');
  return { command: '/bin/sh', args: ['-c', `tee -a '${log}' | exec ${quoted}`] };
}

/** The JSON-RPC messages a recorded stdio server received. */
export function receivedMessages(log: string): { method?: string; params?: Record<string, unknown> }[] {
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as { method?: string; params?: Record<string, unknown> });
}

export function writeMcpConfig(file: string, servers: Record<string, Entry>): string {
  writeFileSync(file, JSON.stringify({ mcpServers: servers }, null, 2));
  return file;
}

export interface HttpServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** server-everything in Streamable HTTP mode on a free port, answering at `<url>`. */
export async function startEverythingHttp(): Promise<HttpServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [packageBin(EVERYTHING), 'streamableHttp'], {
    env: { PATH: process.env.PATH, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor(`server-everything listening on ${port}`, () =>
    stderr.includes(`listening on port ${port}`) ? true : undefined,
  );
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
  };
}

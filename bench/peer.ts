/**
 * The LangGraph.js peer (bench/peer-langgraph, its own package.json and lock, never a product dependency):
 * installed on first use, then run in its own process so its timings and RSS are its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { IpcChild } from './child';
import type { Batch } from './project';
import { GOAL } from './work';

export const PEER_DIR = path.join(__dirname, 'peer-langgraph');

const Reply = z
  .object({
    type: z.literal('result'),
    id: z.number(),
    wallMs: z.number(),
    outcomes: z.array(
      z
        .object({
          label: z.string(),
          ms: z.number(),
          workspace: z.string(),
          answer: z.string().nullable(),
          stepsDone: z.number(),
        })
        .strict(),
    ),
    rssBytes: z.number(),
    maxRssBytes: z.number(),
    checkpoints: z.number(),
    executorCheckpoints: z.number(),
  })
  .strict();

function installedUpToDate(): boolean {
  const marker = path.join(PEER_DIR, 'node_modules', '.package-lock.json');
  const addon = path.join(PEER_DIR, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  if (!existsSync(marker) || !existsSync(addon)) return false;
  const lock = statSync(path.join(PEER_DIR, 'package-lock.json')).mtimeMs;
  return statSync(marker).mtimeMs >= lock;
}

/**
 * `npm ci` in the peer's folder unless it is installed and newer than its lock. better-sqlite3 is native:
 * it is built from source against this Node's own headers (no download of headers or prebuilt binaries).
 */
export function ensurePeerInstalled(log: (line: string) => void): void {
  if (installedUpToDate()) return;
  const nodeDir = path.dirname(path.dirname(process.execPath));
  const haveHeaders = existsSync(path.join(nodeDir, 'include/node/node.h'));
  log(
    `Installing the LangGraph.js peer (first use): npm ci in ${path.relative(process.cwd(), PEER_DIR)}; ` +
      'better-sqlite3 compiles from source, a few minutes on 2 cores...',
  );
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: PEER_DIR,
    stdio: ['ignore', process.stderr, process.stderr],
    env: {
      ...process.env,
      // node-gyp would otherwise download headers, and prebuild-install a binary: neither is reachable here.
      ...(haveHeaders ? { npm_config_nodedir: nodeDir } : {}),
      npm_config_build_from_source: 'true',
    },
  });
  if (result.status !== 0) {
    throw new Error(
      `Installing the peer failed (npm ci exit ${result.status}). Run it by hand to see why: ` +
        `cd ${PEER_DIR} && npm_config_nodedir=${nodeDir} npm ci`,
    );
  }
  if (!installedUpToDate()) throw new Error('npm ci finished but better-sqlite3 was not built');
  log('Peer installed.');
}

/** Variables that would make LangChain trace to a service or pick up real model settings. */
const DROPPED_ENV = /^(LANGSMITH_|LANGCHAIN_|ANTHROPIC_|OPENAI_)/;

export class PeerEngine {
  private constructor(private readonly child: IpcChild) {}

  static async start(modelBaseUrl: string): Promise<PeerEngine> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !DROPPED_ENV.test(k)));
    const { child } = await IpcChild.start('LangGraph.js peer', path.join(PEER_DIR, 'main.ts'), {
      cwd: PEER_DIR,
      env: { ...env, PEER_MODEL_BASE_URL: modelBaseUrl },
    });
    return new PeerEngine(child);
  }

  async runBatch(label: string, runs: number, steps: number, durability?: string): Promise<Batch> {
    const raw = await this.child.request({
      type: 'run',
      label,
      goal: GOAL,
      runs,
      steps,
      ...(durability ? { durability } : {}),
    });
    const reply = Reply.parse(raw);
    return {
      wallMs: reply.wallMs,
      outcomes: reply.outcomes,
      rssBytes: reply.rssBytes,
      maxRssBytes: reply.maxRssBytes,
      breakdown: {
        'checkpoints / step': reply.checkpoints / (runs * steps),
        'of which executor subgraph': reply.executorCheckpoints / (runs * steps),
      },
    };
  }

  shutdown(): Promise<void> {
    return this.child.stop();
  }
}

/**
 * The peer's own process, forked by the bench with an IPC channel (so its RSS is its own). It builds the
 * graph once on a SQLite checkpointer file, then answers `run` messages: start `runs` graph runs at once
 * (each its own thread and workspace), wait for all, and reply with the timings, what each run left (the
 * bench checks it) and this process's memory. Messages are checked with zod on the way in.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { z } from 'zod';
import { buildPeerGraph, type PeerState } from './graph.ts';

const RunRequest = z
  .object({
    type: z.literal('run'),
    id: z.number().int(),
    label: z.string().min(1),
    goal: z.string().min(1),
    runs: z.number().int().min(1),
    steps: z.number().int().min(1),
    durability: z.enum(['async', 'sync', 'exit']).optional(),
  })
  .strict();
const StopRequest = z.object({ type: z.literal('stop') }).strict();
const Request = z.union([RunRequest, StopRequest]);

/** What one run left: the bench checks its files and answer the same way as the project's. */
export interface PeerRunOutcome {
  label: string;
  ms: number;
  workspace: string;
  answer: string | null;
  stepsDone: number;
}

export interface PeerRunReply {
  type: 'result';
  id: number;
  wallMs: number;
  outcomes: PeerRunOutcome[];
  rssBytes: number;
  maxRssBytes: number;
  /** Checkpoints saved for these runs, and how many of them are the executor subgraph's own. */
  checkpoints: number;
  executorCheckpoints: number;
}

const baseUrl = process.env.PEER_MODEL_BASE_URL;
if (!baseUrl) throw new Error('PEER_MODEL_BASE_URL is not set: the bench passes the fake model server URL');
const root = mkdtempSync(path.join(os.tmpdir(), 'pe-bench-peer-'));
const saver = SqliteSaver.fromConnString(path.join(root, 'checkpoints.sqlite'));
const graph = buildPeerGraph({ modelBaseUrl: baseUrl, checkpointer: saver });

async function runOnce(label: string, message: z.infer<typeof RunRequest>): Promise<PeerRunOutcome> {
  const workspace = path.join(root, label);
  mkdirSync(workspace);
  const started = performance.now();
  const final = (await graph.invoke(
    { input: message.goal },
    {
      configurable: { thread_id: label, workspace },
      // planner + (agent + replan) per step, with room to spare; the default (25) stops at 12 steps.
      recursionLimit: 4 * message.steps + 10,
      ...(message.durability ? { durability: message.durability } : {}),
    },
  )) as PeerState;
  return {
    label,
    ms: performance.now() - started,
    workspace,
    answer: final.response ?? null,
    stepsDone: final.pastSteps.length,
  };
}

async function handle(message: z.infer<typeof RunRequest>): Promise<PeerRunReply> {
  const labels = Array.from({ length: message.runs }, (_, i) => `${message.label}-${i + 1}`);
  const started = performance.now();
  const outcomes = await Promise.all(labels.map((label) => runOnce(label, message)));
  const wallMs = performance.now() - started;
  const count = saver.db.prepare(
    "SELECT count(*) AS n, sum(checkpoint_ns != '') AS inner FROM checkpoints WHERE thread_id = ?",
  );
  const rows = labels.map((label) => count.get(label) as { n: number; inner: number | null });
  return {
    type: 'result',
    id: message.id,
    wallMs,
    outcomes,
    rssBytes: process.memoryUsage().rss,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    checkpoints: rows.reduce((sum, r) => sum + r.n, 0),
    executorCheckpoints: rows.reduce((sum, r) => sum + (r.inner ?? 0), 0),
  };
}

process.on('message', (raw: unknown) => {
  const parsed = Request.safeParse(raw);
  if (!parsed.success) {
    const id = (raw as { id?: unknown }).id;
    process.send?.({ type: 'error', id, message: `bad message to the peer: ${parsed.error.message}` });
    return;
  }
  if (parsed.data.type === 'stop') {
    saver.db.close();
    rmSync(root, { recursive: true, force: true });
    process.exit(0);
  }
  const request = parsed.data;
  handle(request).then(
    (reply) => process.send?.(reply),
    (err: unknown) =>
      process.send?.({
        type: 'error',
        id: request.id,
        message: err instanceof Error ? err.stack : String(err),
      }),
  );
});
// The bench went away without stopping this process (it crashed, or was killed): go too.
process.once('disconnect', () => {
  rmSync(root, { recursive: true, force: true });
  process.exit(0);
});
process.send?.({ type: 'ready' });

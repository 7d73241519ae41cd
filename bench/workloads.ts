/**
 * The workloads, each run on both engines interleaved (round 1: project, peer; round 2: project, peer; ...)
 * against the same fake model server. Every batch is checked: the fake answered every call from its script,
 * the number of calls is the expected one, and each run did its work (files, steps, answer).
 */
import { assertWorkDone } from './check';
import type { FakeModel } from './fake';
import type { RequestSummary } from './fake-host';
import type { BenchFlags, EngineName } from './flags';
import type { PeerEngine } from './peer';
import type { Batch, ProjectEngine } from './project';
import { modelCallsPerRun, peerScenario, projectScenario, type Work } from './work';

export interface Bench {
  flags: BenchFlags;
  fake: FakeModel;
  project?: ProjectEngine;
  peer?: PeerEngine;
  progress(line: string): void;
  /** Highest RSS each engine's process has reached so far, in bytes. */
  peakRssBytes: Partial<Record<EngineName, number>>;
}

export interface Measured {
  batch: Batch;
  requests: RequestSummary[];
}

let batchCounter = 0;

/** One batch of `runs` runs at once on one engine, checked. */
export async function measure(
  bench: Bench,
  engine: EngineName,
  name: string,
  runs: number,
  work: Work,
): Promise<Measured> {
  const label = `${name}-${engine}-${process.pid}-${++batchCounter}`;
  await bench.fake.setScenario(engine === 'project' ? projectScenario(work) : peerScenario(work));
  let batch: Batch;
  if (engine === 'project') {
    if (!bench.project) throw new Error('the project engine is not started');
    batch = await bench.project.runBatch(label, runs, work.steps);
  } else {
    if (!bench.peer) throw new Error('the peer is not started');
    batch = await bench.peer.runBatch(label, runs, work.steps, bench.flags.peerDurability);
  }
  bench.peakRssBytes[engine] = Math.max(bench.peakRssBytes[engine] ?? 0, batch.maxRssBytes);
  const requests = await bench.fake.assertAllAnswered(engine, runs * modelCallsPerRun(work.steps));
  assertWorkDone(engine, batch.outcomes, work.steps);
  return { batch, requests };
}

export type Rounds = Partial<Record<EngineName, Batch[]>>;

/** `rounds` rounds of one batch per engine, A B A B ... */
export async function interleaved(bench: Bench, name: string, runs: number, work: Work): Promise<Rounds> {
  const out: Rounds = {};
  for (let round = 1; round <= bench.flags.rounds; round++) {
    for (const engine of bench.flags.engines) {
      bench.progress(`${name}: round ${round}/${bench.flags.rounds}, ${engine}...`);
      const { batch } = await measure(bench, engine, name, runs, work);
      (out[engine] ??= []).push(batch);
    }
  }
  return out;
}

/** Points of the re-plan curve: these steps, where the run is that long, and its last step. */
export function curvePoints(steps: number): number[] {
  return [...new Set([5, 10, 20, 40, 60, steps].filter((p) => p <= steps))].sort((a, b) => a - b);
}

export interface ReplanCurve {
  /** Bytes of the re-plan request after step k, for k = 1..steps. */
  bytes: number[];
  /** Share of the run's input tokens the (emulated) prompt cache served; project only. */
  cacheReadShare?: number;
  /** Time of step k at the fake server: from the previous re-plan request (or the plan) to this one. */
  stepMs: number[];
}

/** One long run on one engine: the size of each re-plan request as received, and each step's time. */
export async function replanCurve(bench: Bench, engine: EngineName, steps: number): Promise<ReplanCurve> {
  bench.progress(`replan-size: one run of ${steps} steps, ${engine}...`);
  const { requests, batch } = await measure(bench, engine, 'replan-size', 1, { steps, delayMs: 0 });
  const starts = new Map(requests.map((r) => [r.rule ?? '', r] as const));
  const bytes: number[] = [];
  const stepMs: number[] = [];
  let previous = starts.get('plan')?.startedAt ?? NaN;
  for (let k = 1; k <= steps; k++) {
    const replan = starts.get(`replan s${k}`);
    if (!replan) throw new Error(`${engine}: no re-plan request after step s${k} was recorded`);
    bytes.push(replan.bodyBytes);
    stepMs.push(replan.startedAt - previous);
    previous = replan.startedAt;
  }
  const cache = batch.cache;
  return {
    bytes,
    stepMs,
    ...(cache && cache.inputTokens > 0 ? { cacheReadShare: cache.cacheReadTokens / cache.inputTokens } : {}),
  };
}

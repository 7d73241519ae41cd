/**
 * What the drill checks after the runs: each run's answer, steps and effect files; model calls repeated
 * after they were answered (from the fake model server's log, by Idempotency-Key); effects done more than
 * once (from the tool's log); and the timings: step latency, time from each fault to progress.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordedRequest } from '../../../src/fake-model/server';
import { workspaceDirName } from '../../../src/tools';
import type { FaultRecord } from './faults';
import type { DrillRun } from './runs';
import { effectOf } from './scenario';

/**
 * A call whose answer came this close to a fault (or during one) was in flight at it: its answer may not
 * have reached the server, and doing it again is the price of the fault, not a bug.
 */
export const IN_FLIGHT_GRACE_MS = 3_000;

export interface EffectLine {
  at: number;
  kind: 'start' | 'done';
  key: string;
  pid: number;
}

export function readEffects(file: string): EffectLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [at, kind, key, pid] = line.split(' ');
      return { at: Number(at), kind: kind === 'done' ? 'done' : 'start', key: key ?? '', pid: Number(pid) };
    });
}

const nearFault = (from: number, to: number, faults: FaultRecord[]): boolean =>
  faults.some((f) => from <= f.recoveredAt + IN_FLIGHT_GRACE_MS && to + IN_FLIGHT_GRACE_MS >= f.at);

export interface Repeats {
  /** Keys repeated after an answer that came nowhere near a fault: work paid for twice, a bug. */
  completed: string[];
  /** Keys repeated after an answer given around a fault. */
  inFlight: string[];
}

const ownedBy = (key: string | undefined, workflowId: string): boolean =>
  key?.startsWith(`${workflowId}@`) ?? false;

/** Model calls of one run answered (200) and then asked again with the same Idempotency-Key. */
export function modelRepeats(
  requests: RecordedRequest[],
  workflowId: string,
  faults: FaultRecord[],
): Repeats {
  const byKey = new Map<string, RecordedRequest[]>();
  for (const r of requests)
    if (ownedBy(r.idempotencyKey, workflowId))
      byKey.set(r.idempotencyKey!, [...(byKey.get(r.idempotencyKey!) ?? []), r]);
  const result: Repeats = { completed: [], inFlight: [] };
  for (const [key, list] of byKey) {
    const sorted = list.sort((a, b) => a.startedAt - b.startedAt);
    const answered = sorted.findIndex((r) => r.status === 200);
    if (answered < 0 || answered === sorted.length - 1) continue;
    const first = sorted[answered]!;
    (nearFault(first.startedAt, first.endedAt ?? first.startedAt, faults)
      ? result.inFlight
      : result.completed
    ).push(key);
  }
  return result;
}

/** Effects of one run done more than once (two "done" lines for one key). */
export function effectRepeats(effects: EffectLine[], workflowId: string, faults: FaultRecord[]): Repeats {
  const result: Repeats = { completed: [], inFlight: [] };
  const byKey = new Map<string, EffectLine[]>();
  for (const e of effects) if (ownedBy(e.key, workflowId)) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
  for (const [key, lines] of byKey) {
    const dones = lines.filter((l) => l.kind === 'done');
    if (dones.length < 2) continue;
    const start = lines.find((l) => l.kind === 'start')!;
    (nearFault(start.at, dones[0]!.at, faults) ? result.inFlight : result.completed).push(key);
  }
  return result;
}

/** Problems with one run's outcome; empty when it finished right. */
export function outcomeProblems(run: DrillRun, workspaceRoot: string): string[] {
  if (run.error) return [run.error];
  if (!run.result) return ['no result'];
  const problems: string[] = [];
  const { result, variant } = run;
  if (result.endReason !== 'answered' || result.answer !== variant.answer)
    problems.push(`ended ${result.endReason} with "${result.answer ?? ''}", expected "${variant.answer}"`);
  if (result.stepsExecuted !== variant.steps.length)
    problems.push(`${result.stepsExecuted} steps executed, expected ${variant.steps.length}`);
  const notDone = result.plan.steps.filter((s) => s.status !== 'done').map((s) => `${s.id} ${s.status}`);
  if (notDone.length) problems.push(`steps not done: ${notDone.join(', ')}`);
  for (const step of variant.steps) {
    const effect = effectOf(step.id);
    const file = path.join(workspaceRoot, workspaceDirName(run.workflowId), effect.path);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== effect.content)
      problems.push(`${effect.path} missing or wrong`);
  }
  return problems;
}

/**
 * Each step's latency as the model server saw it: from its executor's first request to the answer of its
 * last (keys end in /step-<id>/turn-<n>).
 */
export function stepLatencies(requests: RecordedRequest[]): number[] {
  const spans = new Map<string, { from: number; to: number }>();
  for (const r of requests) {
    const step = /^(.*\/step-[^/]+)\/turn-\d+$/.exec(r.idempotencyKey ?? '')?.[1];
    if (!step || r.status !== 200 || r.endedAt === undefined) continue;
    const span = spans.get(step);
    spans.set(step, {
      from: Math.min(span?.from ?? r.startedAt, r.startedAt),
      to: Math.max(span?.to ?? 0, r.endedAt),
    });
  }
  return [...spans.values()].map((s) => s.to - s.from);
}

/** From the fault to the first model request or effect that began after it. */
export function faultToProgress(
  fault: FaultRecord,
  requests: RecordedRequest[],
  effects: EffectLine[],
): number | undefined {
  const after = [
    ...requests.map((r) => r.startedAt),
    ...effects.filter((e) => e.kind === 'start').map((e) => e.at),
  ]
    .filter((t) => t > fault.at)
    .sort((a, b) => a - b)[0];
  return after === undefined ? undefined : after - fault.at;
}

/**
 * For each run that was in flight when the fault landed: how long until its next model call or effect
 * began. Runs whose call was on a killed worker wait for the heartbeat timeout; a dead service stalls all.
 */
export function resumeTimes(
  fault: FaultRecord,
  runs: DrillRun[],
  requests: RecordedRequest[],
  effects: EffectLine[],
): number[] {
  const next = new Map<string, number>();
  const note = (key: string | undefined, at: number): void => {
    const workflowId = key?.split('@')[0];
    if (!workflowId || at <= fault.at) return;
    next.set(workflowId, Math.min(next.get(workflowId) ?? Infinity, at));
  };
  for (const r of requests) note(r.idempotencyKey, r.startedAt);
  for (const e of effects) if (e.kind === 'start') note(e.key, e.at);
  return runs
    .filter((r) => (r.startedAt ?? Infinity) < fault.at && (r.endedAt ?? Infinity) > fault.at)
    .filter((r) => !r.variant.requireApproval || (r.approvedAt ?? Infinity) < fault.at)
    .map((r) => next.get(r.workflowId))
    .filter((t): t is number => t !== undefined)
    .map((t) => t - fault.at);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The cluster drill's judgement, on made-up logs: which repeated model calls and effects count as work done
 * twice (a bug) and which as the price of a fault (the call was in flight), and what makes a run lost.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  effectRepeats,
  IN_FLIGHT_GRACE_MS,
  modelRepeats,
  outcomeProblems,
  type EffectLine,
} from '../deploy/cluster/drill/checks';
import type { FaultRecord } from '../deploy/cluster/drill/faults';
import { DrillUsageError, parseDrillOptions } from '../deploy/cluster/drill/options';
import type { DrillRun } from '../deploy/cluster/drill/runs';
import { effectOf, VARIANTS } from '../deploy/cluster/drill/scenario';
import type { RecordedRequest } from '../src/fake-model/server';
import { workspaceDirName } from '../src/tools';
import type { RunResult } from '../workflows/state';

const WF = 'cdrill-1';
const KEY = `${WF}@run/step-a1/turn-1`;
const request = (startedAt: number, status: number, key = KEY): RecordedRequest =>
  ({ idempotencyKey: key, startedAt, endedAt: startedAt + 800, status }) as RecordedRequest;
const fault = (at: number): FaultRecord => ({ kind: 'worker', at, recoveredAt: at + 2_000, detail: '' });

describe('model calls repeated after their answer', () => {
  it('counts a call answered far from any fault and asked again as work done twice', () => {
    const repeats = modelRepeats([request(1_000, 200), request(60_000, 200)], WF, [fault(30_000)]);
    expect(repeats).toEqual({ completed: [KEY], inFlight: [] });
  });

  it('counts a call answered just before a fault landed as in flight at it', () => {
    const answeredAt = 1_000 + 800;
    const repeats = modelRepeats([request(1_000, 200), request(20_000, 200)], WF, [
      fault(answeredAt + IN_FLIGHT_GRACE_MS - 100),
    ]);
    expect(repeats).toEqual({ completed: [], inFlight: [KEY] });
  });

  it('does not count retries of a call that was never answered, nor other runs', () => {
    const other = `cdrill-10@run/plan/1`;
    const repeats = modelRepeats(
      [request(1_000, 500), request(3_000, 200), request(1_000, 200, other), request(9_000, 200, other)],
      WF,
      [],
    );
    expect(repeats).toEqual({ completed: [], inFlight: [] });
  });
});

describe('effects done twice', () => {
  const line = (at: number, kind: EffectLine['kind']): EffectLine => ({
    at,
    kind,
    key: `${KEY}/call-0`,
    pid: 1,
  });

  it('counts a second "done" far from any fault as a duplicate effect', () => {
    const lines = [line(1_000, 'start'), line(1_250, 'done'), line(40_000, 'start'), line(40_250, 'done')];
    expect(effectRepeats(lines, WF, [])).toEqual({ completed: [`${KEY}/call-0`], inFlight: [] });
  });

  it('does not count an effect cut off by a kill and done once after it', () => {
    const lines = [line(1_000, 'start'), line(12_000, 'start'), line(12_250, 'done')];
    expect(effectRepeats(lines, WF, [fault(1_100)])).toEqual({ completed: [], inFlight: [] });
  });
});

describe('a run finished right', () => {
  const variant = VARIANTS[0]!;
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'pe-drill-checks-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const finished = (answer: string): DrillRun => ({
    index: 0,
    workflowId: WF,
    variant,
    result: {
      endReason: 'answered',
      answer,
      message: '',
      stepsExecuted: variant.steps.length,
      replans: variant.replans.length,
      usage: [],
      plan: { version: 3, steps: variant.steps.map((s) => ({ id: s.id, status: 'done' })), revisions: [] },
    } as unknown as RunResult,
  });
  const writeEffects = (): void => {
    for (const step of variant.steps) {
      const effect = effectOf(step.id);
      const file = path.join(root, workspaceDirName(WF), effect.path);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, effect.content);
    }
  };

  it('passes with the expected answer and every effect file', () => {
    writeEffects();
    expect(outcomeProblems(finished(variant.answer), root)).toEqual([]);
  });

  it('names a wrong answer and a missing effect', () => {
    writeEffects();
    rmSync(path.join(root, workspaceDirName(WF), effectOf('a2').path));
    const problems = outcomeProblems(finished('something else'), root);
    expect(problems).toEqual([
      expect.stringContaining('expected "chain done'),
      'effects/a2.txt missing or wrong',
    ]);
  });
});

describe('drill options', () => {
  it('refuses an unknown fault and names the ones it knows', () => {
    expect(() => parseDrillOptions(['--faults', 'worker,disk'], {})).toThrow(DrillUsageError);
    expect(() => parseDrillOptions(['--faults', 'worker,disk'], {})).toThrow(
      /unknown disk; use worker, history, frontend, postgres/,
    );
  });

  it('refuses a flag it does not know, with the usage', () => {
    expect(() => parseDrillOptions(['--run', '5'], {})).toThrow(/Unknown option '--run'[\s\S]*--runs N/);
  });

  it('takes a smaller drill from the environment, as CI sets it', () => {
    const options = parseDrillOptions([], {
      CLUSTER_DRILL_RUNS: '30',
      CLUSTER_DRILL_FAULTS: 'worker,postgres',
    });
    expect(options?.runs).toBe(30);
    expect(options?.faults).toEqual(['worker', 'postgres']);
  });
});

/** The drill's printed figures: one summary table, one row per fault. */
import { FAULT_LABELS, type FaultRecord } from './faults';

export interface Summary {
  runs: number;
  steps: number;
  faults: number;
  lost: number;
  repeatedCalls: number;
  inFlightRepeats: number;
  duplicateEffects: number;
  inFlightEffectRepeats: number;
  workflowTaskFailures: number;
  stepsPerSecond: number;
  stepP50: number;
  stepP99: number;
}

export interface FaultRow extends FaultRecord {
  /** From the drill's start. */
  offset: number;
  firstCallAfter: number | undefined;
  /** How long each run in flight at the fault took to make its next call. */
  resumed: number[];
}

const s = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(1));

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? ':' : '-').padEnd(w + 1, '-') + (i === 0 ? '-' : ':')).join('|')}|`,
    ...rows.map(line),
  ];
}

export function summaryTable(sum: Summary): string[] {
  return table(
    [
      'runs',
      'steps',
      'faults',
      'lost',
      'repeated calls',
      'in-flight repeats',
      'duplicate effects',
      'in-flight effect repeats',
      'wf task failures',
      'steps/s',
      'step p50 s',
      'step p99 s',
    ],
    [
      [
        String(sum.runs),
        String(sum.steps),
        String(sum.faults),
        String(sum.lost),
        String(sum.repeatedCalls),
        String(sum.inFlightRepeats),
        String(sum.duplicateEffects),
        String(sum.inFlightEffectRepeats),
        String(sum.workflowTaskFailures),
        sum.stepsPerSecond.toFixed(2),
        s(sum.stepP50),
        s(sum.stepP99),
      ],
    ],
  );
}

export function faultTable(rows: FaultRow[], percentile: (values: number[], p: number) => number): string[] {
  return table(
    [
      'fault',
      'at s',
      'back after s',
      'first new call after s',
      'runs in flight',
      'each resumed after s: p50',
      'max',
    ],
    rows.map((r) => [
      FAULT_LABELS[r.kind],
      s(r.offset),
      s(r.recoveredAt - r.at),
      s(r.firstCallAfter),
      String(r.resumed.length),
      s(r.resumed.length ? percentile(r.resumed, 50) : undefined),
      s(r.resumed.length ? Math.max(...r.resumed) : undefined),
    ]),
  );
}

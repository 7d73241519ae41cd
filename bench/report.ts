/** Tables (and the matching JSON) for each workload: both engines, their ratio, and where the time goes. */
import type { EngineName } from './flags';
import type { Batch } from './project';
import { REPLAN_FINISHED_SHOWN } from '../workflows/replanner';
import { fmtStat, markdownTable, mb, stat, type Stat } from './table';
import { modelCallsPerRun, PLAN_WINDOW } from './work';
import { curvePoints, type ReplanCurve, type Rounds } from './workloads';

export interface Report {
  text: string;
  json: Record<string, unknown>;
}

const ENGINE_LABEL: Record<EngineName, string> = {
  project: 'project (Temporal)',
  peer: 'peer (LangGraph.js + SQLite)',
};

function perEngine<T>(rounds: Rounds, f: (batches: Batch[], engine: EngineName) => T): [EngineName, T][] {
  return (Object.entries(rounds) as [EngineName, Batch[]][]).map(([e, b]) => [e, f(b, e)]);
}

/** RSS right after each batch (the peak over the whole bench is printed once, at the end). */
function rssColumns(batches: Batch[]): { rss: Stat } {
  return { rss: stat(batches.map((b) => mb(b.rssBytes))) };
}

/** Each figure of the breakdowns over rounds (median, min, max), per engine. */
function breakdownTable(rounds: Rounds): { text: string; json: Record<string, Record<string, Stat>> } {
  const json: Record<string, Record<string, Stat>> = {};
  const rows: string[][] = [];
  for (const [engine, batches] of perEngine(rounds, (b) => b)) {
    const names = Object.keys(batches[0]?.breakdown ?? {});
    json[engine] = {};
    for (const name of names) {
      const s = stat(batches.map((b) => b.breakdown[name] ?? NaN));
      json[engine][name] = s;
      rows.push([`${engine}: ${name}`, fmtStat(s, 2)]);
    }
  }
  return { text: markdownTable(['from history / checkpointer', 'median (min-max)'], rows), json };
}

function ratioLine(label: string, project: Stat | undefined, peer: Stat | undefined, goal: string): string {
  if (!project || !peer) return '';
  return `${label}: ${(project.median / peer.median).toFixed(2)} (medians${goal ? `; ${goal}` : ''})`;
}

/** sequential and latency: one run at a time, ms per step. */
export function perStepReport(title: string, rounds: Rounds, steps: number, delayMs: number): Report {
  const modelMsPerStep = (modelCallsPerRun(steps) * delayMs) / steps;
  const figures = perEngine(rounds, (batches) => {
    const msPerStep = stat(batches.map((b) => b.wallMs / steps));
    const overhead = stat(batches.map((b) => b.wallMs / steps - modelMsPerStep));
    return { msPerStep, overhead, ...rssColumns(batches) };
  });
  const headers = ['engine', 'ms/step', ...(delayMs > 0 ? ['overhead ms/step', 'overhead %'] : [])];
  headers.push('RSS MB after');
  const rows = figures.map(([engine, f]) => [
    ENGINE_LABEL[engine],
    fmtStat(f.msPerStep),
    ...(delayMs > 0 ? [fmtStat(f.overhead), ((f.overhead.median / modelMsPerStep) * 100).toFixed(1)] : []),
    fmtStat(f.rss, 0),
  ]);
  const byEngine = Object.fromEntries(figures);
  const breakdown = breakdownTable(rounds);
  const lines = [
    title,
    ...(delayMs > 0
      ? [
          `pure model time: ${modelCallsPerRun(steps)} calls x ${delayMs} ms / ${steps} steps = ${modelMsPerStep.toFixed(0)} ms/step`,
        ]
      : []),
    markdownTable(headers, rows),
    ratioLine(
      'ratio project/peer ms/step',
      byEngine.project?.msPerStep,
      byEngine.peer?.msPerStep,
      delayMs > 0 ? '' : 'goal <= 1.0',
    ),
    ...(delayMs > 0 && byEngine.project
      ? [
          `project overhead over pure model time: ${((byEngine.project.overhead.median / modelMsPerStep) * 100).toFixed(1)}% (median; goal <= 10%)`,
        ]
      : []),
    '',
    breakdown.text,
  ];
  return {
    text: lines.join('\n'),
    json: {
      steps,
      delayMs,
      modelMsPerStep,
      engines: byEngine,
      breakdown: breakdown.json,
      raw: rawJson(rounds),
    },
  };
}

/** throughput: `runs` runs at once, steps per second over the whole batch. */
export function throughputReport(title: string, rounds: Rounds, runs: number, steps: number): Report {
  const figures = perEngine(rounds, (batches) => ({
    stepsPerSecond: stat(batches.map((b) => (runs * steps) / (b.wallMs / 1000))),
    wallSeconds: stat(batches.map((b) => b.wallMs / 1000)),
    ...rssColumns(batches),
  }));
  const rows = figures.map(([engine, f]) => [
    ENGINE_LABEL[engine],
    fmtStat(f.stepsPerSecond),
    fmtStat(f.wallSeconds, 2),
    fmtStat(f.rss, 0),
  ]);
  const byEngine = Object.fromEntries(figures);
  const breakdown = breakdownTable(rounds);
  return {
    text: [
      title,
      markdownTable(['engine', 'steps/s', 'wall s', 'RSS MB after'], rows),
      ratioLine(
        'ratio project/peer steps/s',
        byEngine.project?.stepsPerSecond,
        byEngine.peer?.stepsPerSecond,
        'goal >= 1.0',
      ),
      '',
      breakdown.text,
    ].join('\n'),
    json: { runs, steps, engines: byEngine, breakdown: breakdown.json, raw: rawJson(rounds) },
  };
}

/** replan-size: bytes of the re-plan request at a few points of a long run, and the step times up to there. */
export function replanReport(title: string, curves: Partial<Record<EngineName, ReplanCurve>>): Report {
  const engines = Object.keys(curves) as EngineName[];
  const steps = Math.max(...engines.map((e) => curves[e]?.bytes.length ?? 0));
  const points = curvePoints(steps);
  const rows = points.map((p, i) => {
    const from = i === 0 ? 0 : (points[i - 1] ?? 0);
    return [
      String(p),
      String(Math.min(PLAN_WINDOW, steps - p)),
      ...engines.flatMap((e) => {
        const c = curves[e];
        const window = c?.stepMs.slice(from, p) ?? [];
        const meanMs = window.reduce((a, b) => a + b, 0) / Math.max(1, window.length);
        return [String(c?.bytes[p - 1] ?? '-'), meanMs.toFixed(1)];
      }),
    ];
  });
  const headers = [
    'after step',
    'pending steps',
    ...engines.flatMap((e) => [`${e}: re-plan request bytes`, `${e}: ms/step since previous row`]),
  ];
  const project = curves.project;
  const growth = project ? growthPerFinishedStep(project.bytes) : undefined;
  return {
    text: [
      title,
      `Bytes of the re-plan request after each step, as the fake server received it. The plan shows at most ${PLAN_WINDOW}`,
      'pending steps, so while that count holds, growth comes from what the run has done.',
      markdownTable(headers, rows),
      ...(growth
        ? [
            `project: prompt bytes per re-plan grow ${growth.perStep.toFixed(1)} bytes per finished step (steps ${growth.from} to ${growth.to}): ` +
              `the one-line summary each finished step adds (${REPLAN_FINISHED_SHOWN} at most; older ones are only counted).`,
          ]
        : []),
      ...(project?.cacheReadShare !== undefined
        ? [
            `project: ${(project.cacheReadShare * 100).toFixed(1)}% of the run's input tokens read from the prompt cache ` +
              "(the fake's emulation, caching prefixes of any length; Anthropic caches 1,024 tokens or more).",
          ]
        : []),
    ].join('\n'),
    json: { steps, points, curves, ...(growth ? { projectGrowthPerFinishedStep: growth } : {}) },
  };
}

/**
 * Growth of the re-plan request per finished step while the pending window is full and every finished step
 * is still shown: from step 5 to the last step before either limit.
 */
function growthPerFinishedStep(bytes: number[]): { from: number; to: number; perStep: number } | undefined {
  const from = 5;
  const to = Math.min(REPLAN_FINISHED_SHOWN, bytes.length - PLAN_WINDOW);
  const a = bytes[from - 1];
  const b = bytes[to - 1];
  if (to <= from || a === undefined || b === undefined) return undefined;
  return { from, to, perStep: (b - a) / (to - from) };
}

function rawJson(rounds: Rounds): Record<string, unknown> {
  return Object.fromEntries(
    perEngine(rounds, (batches) =>
      batches.map((b) => ({
        wallMs: b.wallMs,
        rssBytes: b.rssBytes,
        maxRssBytes: b.maxRssBytes,
        breakdown: b.breakdown,
      })),
    ),
  );
}

/**
 * The `wide` workload (this project only: the peer's plan-and-execute runs one step at a time): a plan of 4
 * independent steps, each WIDE_TURNS executor turns (tool calls, then a summary), every model call taking
 * --latency-ms... at 500 ms by default here. Run one step at a time, then four at once, interleaved over the
 * rounds; the ratio is how much the streaming scheduler buys. The serial part (the plan, and the re-plan
 * after the last step) bounds it at (4*T+5)/(T+2) for T turns per step.
 */
import type { Scenario } from '../src/fake-model/scenario';
import type { Bench } from './workloads';
import { fmtStat, markdownTable, stat } from './table';

export const WIDE_TURNS = 6;
export const WIDE_LATENCY_MS = 500;
const IDS = ['p1', 'p2', 'p3', 'p4'];

const step = (id: string) => ({ id, title: `Part ${id}`, instructions: `Do part ${id}`, dependsOn: [] });
const replan = (input: Record<string, unknown>) => ({ toolCalls: [{ name: 'submit_replan', input }] });

export function wideScenario(latencyMs: number, turns: number): Scenario {
  const rules: Scenario['rules'] = [
    {
      name: 'plan',
      match: { forcedTool: 'submit_plan' },
      delayMs: latencyMs,
      reply: { toolCalls: [{ name: 'submit_plan', input: { steps: IDS.map(step) } }] },
    },
    {
      name: 'finish',
      match: { forcedTool: 'submit_replan', contains: 'Pending steps:\n(none)' },
      repeat: true,
      delayMs: latencyMs,
      reply: replan({ action: 'finish', reason: 'parts done', answer: 'all parts done', remainingSteps: [] }),
    },
  ];
  IDS.forEach((id, i) => {
    rules.push(
      {
        name: `tools ${id}`,
        match: { contains: `Your step: ${id}:` },
        times: turns - 1,
        delayMs: latencyMs,
        reply: { toolCalls: [{ name: 'list_files', input: {} }] },
      },
      {
        name: `summary ${id}`,
        match: { contains: `Your step: ${id}:` },
        delayMs: latencyMs,
        reply: { text: `${id} done` },
      },
      {
        name: `continue after ${id}`,
        match: { forcedTool: 'submit_replan', contains: `Steps just run: ${id}\n` },
        delayMs: latencyMs,
        reply: replan({
          action: 'continue',
          reason: 'next part',
          answer: '',
          remainingSteps: IDS.slice(i + 1).map(step),
        }),
      },
    );
  });
  return { rules };
}

export interface WideResult {
  oneAtATimeMs: number[];
  fourAtOnceMs: number[];
  ratio: number;
  idealRatio: number;
}

export async function wideWorkload(bench: Bench, latencyMs: number, turns = WIDE_TURNS): Promise<WideResult> {
  const project = bench.project;
  if (!project) throw new Error('the wide workload runs on the project only: pass --engines project or both');
  const oneAtATimeMs: number[] = [];
  const fourAtOnceMs: number[] = [];
  for (let round = 1; round <= bench.flags.rounds; round++) {
    for (const parallel of [1, 4]) {
      bench.progress(
        `wide: round ${round}/${bench.flags.rounds}, ${parallel === 1 ? 'one at a time' : 'four at once'}...`,
      );
      await bench.fake.setScenario(wideScenario(latencyMs, turns));
      const { wallMs, answer } = await project.runOne(`wide-${parallel}-${round}-${process.pid}`, {
        goal: 'Four independent parts',
        options: { maxParallelSteps: parallel, maxSteps: 4, maxReplans: 4 },
      });
      if (answer !== 'all parts done') throw new Error(`wide: the run ended with ${answer}`);
      (parallel === 1 ? oneAtATimeMs : fourAtOnceMs).push(wallMs);
    }
  }
  return {
    oneAtATimeMs,
    fourAtOnceMs,
    ratio: stat(oneAtATimeMs).median / stat(fourAtOnceMs).median,
    idealRatio: (4 * turns + 5) / (turns + 2),
  };
}

export function wideReport(
  result: WideResult,
  latencyMs: number,
  turns = WIDE_TURNS,
): { text: string; json: Record<string, unknown> } {
  const text = [
    `## wide: 4 independent steps, ${turns} executor turns each, every model call ${latencyMs} ms (project only)`,
    markdownTable(
      ['run', 'wall ms'],
      [
        ['one step at a time', fmtStat(stat(result.oneAtATimeMs), 0)],
        ['four at once', fmtStat(stat(result.fourAtOnceMs), 0)],
      ],
    ),
    `speed-up: ${result.ratio.toFixed(2)}x (goal >= 3.5; the serial plan and last re-plan cap it at ${result.idealRatio.toFixed(2)}x)`,
  ].join('\n');
  return { text, json: { ...result } };
}

/**
 * The `mcp` workload: what one MCP tool call costs through the worker, beside the same call made directly
 * with the MCP TypeScript SDK. Both call `echo` of @modelcontextprotocol/server-everything over stdio (the
 * installed package, started once for each side and kept). Direct: `Client.callTool`, back to back. Through
 * the worker: a run of N steps, each one executor turn calling `everything__echo`, one turn that answers
 * after seeing the echo, one re-plan; the tool activity's times come from history (the server's own
 * timestamps). The scenario answers a second turn only if the echo reached it, so a run that passes did
 * the calls.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Scenario } from '../src/fake-model/scenario';
import { ToolBox } from '../src/tools';
import type { McpServerEntry, StdioServerEntry } from '../src/tools/mcp/config';
import { EVERYTHING, packageBin } from '../test/helpers/mcp-servers';
import type { Report } from './report';
import { fmtStat, markdownTable, stat, type Stat } from './table';
import { ANSWER, modelCallsPerRun, PROJECT_MODELS, stepId } from './work';
import type { Bench } from './workloads';

/** The server the worker's tool box and the direct client both start. */
export const EVERYTHING_SERVER: StdioServerEntry & McpServerEntry = {
  name: 'everything',
  where: 'the bench (bench/mcp.ts)',
  transport: 'stdio',
  command: process.execPath,
  args: [packageBin(EVERYTHING)],
  env: {},
  disabled: false,
  honoursIdempotencyKey: false,
};

export function mcpToolBox(): ToolBox {
  return ToolBox.fromSetup({ modules: [], mcpServers: [EVERYTHING_SERVER], policy: {} });
}

const message = (id: string): string => `echo of ${id}`;

function mcpScenario(steps: number): Scenario {
  const rules: Scenario['rules'] = [
    {
      name: 'plan',
      repeat: true,
      match: { model: PROJECT_MODELS.planner, forcedTool: 'submit_plan' },
      reply: {
        toolCalls: [
          {
            name: 'submit_plan',
            input: {
              steps: Array.from({ length: Math.min(steps, 20) }, (_, i) => step(stepId(i + 1))),
            },
          },
        ],
      },
    },
  ];
  for (let k = 1; k <= steps; k++) {
    const id = stepId(k);
    const rest = Array.from({ length: Math.min(steps, k + 20) - k }, (_, i) => step(stepId(k + i + 1)));
    rules.push(
      {
        name: `exec1 ${id}`,
        repeat: true,
        match: { model: PROJECT_MODELS.executor, lastMessageContains: `Your step: ${id}:` },
        reply: { toolCalls: [{ name: 'everything__echo', input: { message: message(id) } }] },
      },
      {
        name: `exec2 ${id}`,
        repeat: true,
        match: { model: PROJECT_MODELS.executor, lastMessageContains: `Echo: ${message(id)}` },
        reply: { text: `Echoed ${id}` },
      },
      {
        name: `replan ${id}`,
        repeat: true,
        match: {
          model: PROJECT_MODELS.planner,
          forcedTool: 'submit_replan',
          contains: `Steps just run: ${id}\n`,
        },
        reply: {
          toolCalls: [
            {
              name: 'submit_replan',
              input:
                rest.length === 0
                  ? { action: 'finish', reason: 'done', answer: ANSWER, remainingSteps: [] }
                  : { action: 'continue', reason: 'next', answer: '', remainingSteps: rest },
            },
          ],
        },
      },
    );
  }
  return { rules };
}

function step(id: string) {
  return { id, title: `Echo ${id}`, instructions: `Call everything__echo for ${id}`, dependsOn: [] };
}

/** Milliseconds of `calls` direct SDK calls, after a few unmeasured ones. */
async function directCalls(calls: number): Promise<number[]> {
  const client = new Client({ name: 'bench-direct', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: EVERYTHING_SERVER.command,
      args: EVERYTHING_SERVER.args,
      stderr: 'ignore',
    }),
  );
  try {
    for (let i = 0; i < 5; i++) await client.callTool({ name: 'echo', arguments: { message: 'warm-up' } });
    const ms: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      await client.callTool({ name: 'echo', arguments: { message: message(stepId(i + 1)) } });
      ms.push(performance.now() - started);
    }
    return ms;
  } finally {
    await client.close();
  }
}

interface McpRound {
  direct: number;
  /** The tool call inside the activity, as the worker timed it (elapsedMs in each result). */
  insideActivity: number;
  activityRun: number;
  activityQueue: number;
  msPerStep: number;
}

export async function mcpWorkload(bench: Bench, steps: number): Promise<Report> {
  const project = bench.project;
  if (!project) throw new Error('the mcp workload needs the project engine (--engines project)');
  const rounds: McpRound[] = [];
  for (let round = 1; round <= bench.flags.rounds; round++) {
    bench.progress(
      `mcp: round ${round}/${bench.flags.rounds}: ${steps} direct SDK calls, then a run of ${steps} steps...`,
    );
    const direct = await directCalls(steps);
    await bench.fake.setScenario(mcpScenario(steps));
    const batch = await project.runBatch(`mcp-${process.pid}-${round}`, 1, steps);
    await bench.fake.assertAllAnswered('project', modelCallsPerRun(steps));
    const outcome = batch.outcomes[0];
    if (outcome?.answer !== ANSWER || outcome.stepsDone !== steps) {
      throw new Error(`mcp: the run did not do the work: ${JSON.stringify(outcome)}`);
    }
    if (batch.breakdown['tool: count / step'] !== 1) {
      throw new Error(
        `mcp: expected one regular tool activity per step, got ${batch.breakdown['tool: count / step']}`,
      );
    }
    const history = await project.fetchHistory(outcome.label);
    const inside = (history.events ?? []).flatMap((e) => {
      const result = e.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
      const parsed = result
        ? defaultPayloadConverter.fromPayload<{ elapsedMs?: number; toolCallId?: string }>(result)
        : undefined;
      return parsed?.toolCallId !== undefined && typeof parsed.elapsedMs === 'number'
        ? [parsed.elapsedMs]
        : [];
    });
    rounds.push({
      direct: stat(direct).median,
      insideActivity: stat(inside).median,
      activityRun: batch.breakdown['tool: run ms'] ?? NaN,
      activityQueue: batch.breakdown['tool: queue ms'] ?? NaN,
      msPerStep: batch.wallMs / steps,
    });
  }
  const of = (f: (r: McpRound) => number): Stat => stat(rounds.map(f));
  const rows: [string, Stat][] = [
    ['direct SDK call (Client.callTool over stdio), median per round', of((r) => r.direct)],
    [
      'through the worker: the call inside the activity (worker clock, whole ms)',
      of((r) => r.insideActivity),
    ],
    ['through the worker: tool activity, started → completed (history)', of((r) => r.activityRun)],
    ['through the worker: tool activity, scheduled → started (history)', of((r) => r.activityQueue)],
    ['overhead of the activity over the direct call (run − direct)', of((r) => r.activityRun - r.direct)],
    ['one step of the run (2 executor turns, 1 MCP call, 1 re-plan)', of((r) => r.msPerStep)],
  ];
  const title = `## mcp: one MCP tool call (server-everything echo over stdio), ${steps} calls per round`;
  return {
    text: [
      title,
      markdownTable(
        ['path', 'ms per call'],
        rows.map(([label, s]) => [label, fmtStat(s, 2)]),
      ),
    ].join('\n'),
    json: Object.fromEntries(rows),
  };
}

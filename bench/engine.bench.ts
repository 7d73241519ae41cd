/**
 * `npm run bench`: how much the engine itself costs per step, with a fake model that answers at once. Runs
 * on a real Temporal dev server on free ports, worker in this process. Prints a table; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { AppConfig } from '../src/config';
import { findTemporalCli } from '../src/devserver/find-cli';
import { FakeModelServer } from '../src/fake-model/server';
import type { Scenario } from '../src/fake-model/scenario';
import { createWorker } from '../src/worker/create-worker';
import { planAndExecute } from '../workflows';
import { installQuietRuntime } from '../test/helpers/runtime';

const STEPS = 40;
const PARALLELISM = [1, 4, 8];

/** Plan STEPS independent steps; after each batch the re-planner keeps the rest; finish at the end. */
function scenario(parallel: number): Scenario {
  const ids = Array.from({ length: STEPS }, (_, i) => `s${i + 1}`);
  const step = (id: string) => ({ id, title: `Step ${id}`, instructions: `Do ${id}`, dependsOn: [] });
  const rules: Scenario['rules'] = [
    {
      match: { forcedTool: 'submit_plan' },
      reply: { toolCalls: [{ name: 'submit_plan', input: { steps: ids.map(step) } }] },
    },
    { match: { contains: 'Your step:' }, repeat: true, reply: { text: 'done' } },
  ];
  for (let start = 0; start < STEPS; start += parallel) {
    const batch = ids.slice(start, start + parallel);
    const rest = ids.slice(start + parallel);
    rules.push({
      match: { forcedTool: 'submit_replan', contains: `Steps just run: ${batch.join(', ')}\n` },
      reply: {
        toolCalls: [
          {
            name: 'submit_replan',
            input:
              rest.length === 0
                ? { action: 'finish', reason: 'all done', answer: 'done', remainingSteps: [] }
                : { action: 'continue', reason: 'more', answer: '', remainingSteps: rest.map(step) },
          },
        ],
      },
    });
  }
  return { rules };
}

async function main(): Promise<void> {
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: findTemporalCli() },
      ip: '127.0.0.1',
      extraArgs: ['--log-level', 'error'],
    },
  });
  const fake = new FakeModelServer();
  const url = await fake.start();
  const workspaceRoot = mkdtempSync(path.join(os.tmpdir(), 'pe-bench-'));
  const config: AppConfig = {
    providers: { anthropicBaseUrl: url, timeoutMs: 30_000 },
    models: { planner: 'anthropic:p', executor: 'anthropic:e', replanner: 'anthropic:p' },
    taskQueue: 'bench',
    workspaceRoot,
    maxOutputTokens: 256,
  };
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    config,
    workflowBundle: { code },
  });
  const rows: string[] = [];
  try {
    await worker.runUntil(async () => {
      for (const parallel of PARALLELISM) {
        fake.setScenario(scenario(parallel));
        fake.clearRequests();
        const started = process.hrtime.bigint();
        const handle = await env.client.workflow.start(planAndExecute, {
          taskQueue: 'bench',
          workflowId: `bench-${parallel}-${Date.now()}`,
          args: [
            {
              goal: 'Benchmark',
              options: { maxParallelSteps: parallel, maxSteps: STEPS, maxReplans: STEPS },
            },
          ],
        });
        const result = await handle.result();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const { historyLength } = await handle.describe();
        if (result.stepsExecuted !== STEPS)
          throw new Error(`expected ${STEPS} steps, got ${result.stepsExecuted}`);
        rows.push(
          `| ${String(parallel).padStart(8)} | ${String(STEPS).padStart(5)} | ${String(fake.requests.length).padStart(11)} | ${seconds.toFixed(2).padStart(6)} | ${((seconds * 1000) / STEPS).toFixed(1).padStart(7)} | ${(fake.requests.length / seconds).toFixed(1).padStart(13)} | ${String(historyLength).padStart(14)} | ${(process.memoryUsage().rss / 2 ** 20).toFixed(0).padStart(10)} |`,
        );
      }
    });
  } finally {
    await env.teardown();
    await fake.stop();
    rmSync(workspaceRoot, { recursive: true, force: true });
  }
  console.log(
    [
      `Engine overhead: ${STEPS} independent steps, fake model answering at once, dev server and worker on this machine (${os.cpus().length} cores)`,
      '| parallel | steps | model calls | wall s | ms/step | model calls/s | history events | RSS MB |',
      '|---------:|------:|------------:|-------:|--------:|--------------:|---------------:|-------:|',
      ...rows,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

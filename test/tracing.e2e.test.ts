/**
 * One trace per run, from `agent start` (the real CLI, in its own process) through the workflow to every
 * activity and every model and tool call, exported over OTLP/HTTP to an in-process collector, and still one
 * tree after the worker that started the run was replaced while it waited for approval. Model and tool calls
 * are spans with the GenAI semantic-convention attributes; calls that ran as local activities are traced
 * with the right parents too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { AppConfig } from '../src/config';
import { freePort, startDevServer, type DevServer } from '../src/devserver/dev-server';
import { findTemporalCli } from '../src/devserver/find-cli';
import { FakeModelServer } from '../src/fake-model/server';
import { activeTracing } from '../src/telemetry/tracing';
import { createWorker } from '../src/worker/create-worker';
import type { planAndExecute } from '../workflows';
import { getStateQuery } from '../workflows/messages';
import { runCli } from './helpers/cli';
import { OtlpCollector, renderTree, type CollectedSpan } from './helpers/otlp-collector';
import { installQuietRuntime } from './helpers/runtime';
import { continueRule, executorRule, finishRule, planRule } from './helpers/scenarios';
import { waitFor } from './helpers/wait';

const collector = new OtlpCollector();
const fake = new FakeModelServer();
let server: DevServer;
let tmp: string;
let otelEnv: Record<string, string>;

beforeAll(async () => {
  await collector.start();
  otelEnv = {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  // Before anything sets tracing up: this process's workers read them like `npm run worker` does.
  Object.assign(process.env, otelEnv);
  installQuietRuntime();
  await fake.start();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-trace-'));
  server = await startDevServer({
    cliPath: findTemporalCli(),
    port: await freePort(),
    extraArgs: ['--log-level', 'error'],
  });
});
afterAll(async () => {
  await server?.stop();
  await fake.stop();
  await collector.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const TASK_QUEUE = 'tracing-test';

async function startWorker(): Promise<{ worker: Worker; running: Promise<void>; close(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: server.address });
  const config: AppConfig = {
    providers: {
      anthropicBaseUrl: fake.url,
      anthropicApiKey: 'not-a-real-key-trace-91ab',
      timeoutMs: 30_000,
    },
    models: { planner: 'anthropic:p', executor: 'anthropic:e', replanner: 'anthropic:p' },
    taskQueue: TASK_QUEUE,
    workspaceRoot: path.join(tmp, 'ws'),
    maxOutputTokens: 512,
  };
  // No bundle given: the traced one (workflow interceptors bundled in) is built or taken from the cache.
  const worker = await createWorker({ connection, namespace: 'default', config });
  const running = worker.run();
  return {
    worker,
    running,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

it('traces a run as one tree, from agent start to each call, across a worker restart', async () => {
  fake.setScenario({
    rules: [
      // The planner's first attempt fails with an error that quotes the worker's key (as careless proxies do).
      { match: { forcedTool: 'submit_plan' }, error: { status: 500, message: 'overloaded', echoKey: true } },
      planRule([
        { id: 'a', title: 'Write two notes' },
        { id: 'b', title: 'Read them back', dependsOn: ['a'] },
      ]),
      executorRule('a', { toolCalls: [{ name: 'write_file', input: { path: 'one.md', content: 'one' } }] }),
      executorRule('a', { toolCalls: [{ name: 'write_file', input: { path: 'two.md', content: 'two' } }] }),
      executorRule('a', { text: 'Wrote one.md and two.md.' }),
      continueRule([{ id: 'b', title: 'Read them back' }], 'The notes exist; read them.'),
      executorRule('b', { toolCalls: [{ name: 'read_file', input: { path: 'one.md' } }] }),
      executorRule('b', { text: 'one.md says one.' }),
      finishRule('Both notes written; one.md says one.'),
    ],
  });
  const cliEnv = { ...otelEnv, TEMPORAL_ADDRESS: server.address, TASK_QUEUE, ANTHROPIC_BASE_URL: fake.url };
  const workflowId = `traced-${Date.now()}`;
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const handle = client.workflow.getHandle<typeof planAndExecute>(workflowId);

  let worker = await startWorker();
  const started = await runCli(
    'src/cli/agent.ts',
    ['start', 'Write two notes and read one back', '--require-approval', '--id', workflowId],
    cliEnv,
  );
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  await waitFor('the plan to wait for approval', async () =>
    (await handle.query(getStateQuery)).status === 'awaiting_approval' ? true : undefined,
  );
  // The worker that planned goes away; a new one (empty cache: it replays the run) does the rest.
  await worker.close();
  worker = await startWorker();
  const approved = await runCli('src/cli/agent.ts', ['approve', workflowId], cliEnv);
  expect(approved.code).toBe(0);
  const result = await handle.result();
  expect(result.answer).toBe('Both notes written; one.md says one.');
  const state = await handle.query(getStateQuery);
  const history = (await handle.fetchHistory()).events ?? [];
  await worker.close();
  await connection.close();
  await activeTracing()?.flush();

  const root = await waitFor('the CLI start span', () =>
    collector.spans.find(
      (s) => s.name === 'StartWorkflow:planAndExecute' && s.service === 'plan-execute-client',
    ),
  );
  const run = await waitFor('the workflow span', () =>
    collector.spans.find((s) => s.traceId === root.traceId && s.name === 'RunWorkflow:planAndExecute'),
  );
  const trace = collector.spans.filter((s) => s.traceId === root.traceId);
  const tree = renderTree(trace, (s) => {
    const a = (key: string, none = '-') => {
      const v = s.attributes[key];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : none;
    };
    const genAi = s.name.startsWith('chat ')
      ? `  role=${a('plan_execute.role')} in=${a('gen_ai.usage.input_tokens')} out=${a('gen_ai.usage.output_tokens')}${a('error.type', '') ? ` error.type=${a('error.type')}` : ''}`
      : s.name.startsWith('execute_tool ')
        ? `  gen_ai.tool.name=${a('gen_ai.tool.name')} step=${a('plan_execute.step_id')}`
        : '';
    return `${s.name}  [${s.service}]${genAi}`;
  });
  console.log(`The run's trace (${trace.length} spans):\n${tree}`);
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const parent = (s: CollectedSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
  const named = (prefix: string) =>
    trace.filter((s) => s.name.startsWith(prefix)).sort((a, b) => (a.startNs < b.startNs ? -1 : 1));

  // One tree: a single run span under the CLI's start, exported once (by the second worker, at the end),
  // and every other span reaches it.
  expect(trace.filter((s) => s.name === 'RunWorkflow:planAndExecute')).toHaveLength(1);
  expect(run.parentSpanId).toBe(root.spanId);
  expect(run.service).toBe('plan-execute-worker');
  for (const span of trace.filter((s) => s !== root && s !== run)) {
    let up = parent(span);
    while (up && up !== run) up = parent(up);
    expect({ span: span.name, reaches: up?.spanId }).toEqual({ span: span.name, reaches: run.spanId });
  }

  // Every activity execution (each attempt of a regular one, and each local one, before and after the
  // restart) has its span, under the StartActivity span the workflow made for it, under the run.
  const attempts = history.reduce((n, e) => n + (e.activityTaskStartedEventAttributes?.attempt ?? 0), 0);
  const localCalls = history.filter(
    (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
  ).length;
  expect(localCalls).toBeGreaterThan(0);
  const executions = named('RunActivity:');
  expect(executions).toHaveLength(attempts + localCalls);
  for (const execution of executions) {
    const start = parent(execution);
    expect(start?.name).toBe(execution.name.replace('RunActivity:', 'StartActivity:'));
    expect(start?.parentSpanId).toBe(run.spanId);
  }

  // Model calls: `chat <model>` under their activity, with the GenAI attributes and the tokens the run counted.
  const chats = named('chat ');
  const roleUnder = (s: CollectedSpan) =>
    `${String(s.attributes['plan_execute.role'])} under ${parent(s)?.name}`;
  expect(chats.map(roleUnder).sort()).toEqual(
    [
      ...Array<string>(2).fill('planner under RunActivity:planner'),
      // The first turn is a regular activity; then the executor's lane is fast, and each step's turns go in
      // one local activity with their quick tool calls; the first re-plan is a regular activity, the second
      // is asked ahead, in the last step's local activity.
      'executor under RunActivity:executor',
      ...Array<string>(4).fill('executor under RunActivity:executorTurns'),
      'replanner under RunActivity:replanner',
      'replanner under RunActivity:executorTurns',
    ].sort(),
  );
  const [failed, planner] = chats.filter((s) => parent(s)?.name === 'RunActivity:planner');
  expect(failed?.status).toBe(2); // ERROR
  expect(failed?.attributes).toMatchObject({
    'error.type': '500',
    'plan_execute.outcome': 'retryable_error',
  });
  expect(planner?.name).toBe('chat claude-sonnet-4-6');
  expect(planner?.attributes).toMatchObject({
    'gen_ai.operation.name': 'chat',
    'gen_ai.system': 'anthropic',
    'gen_ai.request.model': 'claude-sonnet-4-6',
    'plan_execute.role': 'planner',
    'plan_execute.outcome': 'ok',
  });
  const tokens = (role: string, key: string) =>
    chats
      .filter((s) => s.attributes['plan_execute.role'] === role)
      .reduce((n, s) => n + Number(s.attributes[key] ?? 0), 0);
  for (const u of state.usage) {
    expect([
      u.role,
      tokens(u.role, 'gen_ai.usage.input_tokens'),
      tokens(u.role, 'gen_ai.usage.output_tokens'),
    ]).toEqual([u.role, u.inputTokens, u.outputTokens]);
  }

  // Tool calls: `execute_tool <name>` under the activity that made them, named by the GenAI tool attribute.
  const tools = named('execute_tool ');
  expect(tools.map((s) => [s.name, s.attributes['gen_ai.tool.name'], parent(s)?.name])).toEqual([
    ['execute_tool write_file', 'write_file', 'RunActivity:tool'],
    ['execute_tool write_file', 'write_file', 'RunActivity:executorTurns'],
    ['execute_tool read_file', 'read_file', 'RunActivity:executorTurns'],
  ]);
  // The exception recorded on the failed call's span reached the collector scrubbed of the worker's key.
  const exports = collector.bodies.join('\n');
  expect(exports).toContain('overloaded (key used: [redacted])');
  expect(exports).not.toContain('not-a-real-key-trace-91ab');
});

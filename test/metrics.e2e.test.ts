/**
 * The worker's Prometheus endpoint after real runs: the project's metrics (model calls by role, model and
 * outcome; tokens; tool calls by tool and outcome; step and re-plan durations from the workflow; runs waiting
 * for people, counted by the server) beside the Temporal SDK's own, on one port.
 */
import type { MetricsServer } from '../src/telemetry/metrics-server';
import { serveWorkerMetrics } from '../src/telemetry/worker-metrics';
import { getStateQuery } from '../workflows/messages';
import { startHarness, type Harness } from './helpers/harness';
import { installQuietRuntime } from './helpers/runtime';
import { fullRunScenario } from './helpers/scenarios';
import { waitFor, waitForState } from './helpers/wait';

let h: Harness;
let metrics: MetricsServer;

beforeAll(async () => {
  // Before the harness installs a runtime without metrics: Core's metrics go to the endpoint's bridge.
  const runtime = installQuietRuntime({ METRICS_PORT: '0' });
  h = await startHarness();
  metrics = await serveWorkerMetrics({
    connection: h.env.nativeConnection,
    namespace: 'default',
    taskQueue: h.taskQueue,
    host: '127.0.0.1',
    port: 0,
    ...(runtime.bridge ? { bridge: runtime.bridge } : {}),
  });
});
afterAll(async () => {
  await metrics?.close();
  await h?.shutdown();
});

async function scrape(): Promise<string> {
  const res = await fetch(metrics.url);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of the sample `name{...}` whose labels include `labels`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) return Number(match[3]);
  }
  return undefined;
}

it('serves the project metrics and the SDK metrics after runs, on one port', async () => {
  const done = await h.start({ goal: 'Leave a greeting in notes.md and confirm it' }, fullRunScenario());
  await done.result();
  const waiting = await h.start(
    { goal: 'Wait for me', options: { requireApproval: true } },
    fullRunScenario(),
  );
  await waitForState(waiting, 'awaiting approval', (s) => s.status === 'awaiting_approval');
  const states = [await done.query(getStateQuery), await waiting.query(getStateQuery)];

  // Workflow metrics pass through the SDK's buffer, drained at each scrape: wait for them to arrive.
  const text = await waitFor('the step durations at the endpoint', async () => {
    const body = await scrape();
    return sample(body, 'plan_execute_step_duration_seconds_count', { outcome: 'done' }) === 2 &&
      sample(body, 'plan_execute_runs_waiting_for_people', { status: 'awaiting_approval' }) === 1
      ? body
      : undefined;
  });
  console.log(
    `Excerpt of ${metrics.url} after the runs:\n${text
      .split('\n')
      .filter((l) =>
        /^(plan_execute_(model_calls|model_tokens|tool_calls_total|runs_waiting|step_duration_seconds_(count|sum)|replan_duration_seconds_count)|temporal_(workflow_completed|activity_execution_latency_count|workflow_task_execution_latency_count))/.test(
          l,
        ),
      )
      .join('\n')}`,
  );

  // Calls and tokens by role and model, as the runs themselves counted them (7 calls + 1 plan waiting).
  for (const role of ['planner', 'executor', 'replanner']) {
    const entries = states.flatMap((s) => s.usage.filter((u) => u.role === role));
    const model = entries[0]?.model ?? '';
    const labels = { role, model };
    const sum = (k: 'calls' | 'inputTokens' | 'outputTokens') => entries.reduce((n, u) => n + u[k], 0);
    expect([
      role,
      sample(text, 'plan_execute_model_calls_total', { ...labels, outcome: 'ok' }),
      sample(text, 'plan_execute_model_tokens_total', { ...labels, direction: 'input' }),
      sample(text, 'plan_execute_model_tokens_total', { ...labels, direction: 'output' }),
    ]).toEqual([role, sum('calls'), sum('inputTokens'), sum('outputTokens')]);
  }
  expect(states.flatMap((s) => s.usage).reduce((n, u) => n + u.calls, 0)).toBe(8);
  expect(sample(text, 'plan_execute_tool_calls_total', { tool: 'write_file', outcome: 'ok' })).toBe(1);
  expect(sample(text, 'plan_execute_tool_calls_total', { tool: 'read_file', outcome: 'ok' })).toBe(1);
  expect(sample(text, 'plan_execute_replan_duration_seconds_count', { action: 'continue' })).toBe(1);
  expect(sample(text, 'plan_execute_replan_duration_seconds_count', { action: 'finish' })).toBe(1);
  expect(sample(text, 'plan_execute_step_duration_seconds_sum', { outcome: 'done' })).toBeGreaterThan(0);
  expect(
    sample(text, 'plan_execute_runs_waiting_for_people', { status: 'paused', task_queue: h.taskQueue }),
  ).toBe(0);
  // The SDK's own metrics, from the same endpoint.
  expect(sample(text, 'temporal_workflow_completed', { workflow_type: 'planAndExecute' })).toBe(1);
  expect(sample(text, 'temporal_local_activity_total', { activity_type: 'executorTurns' })).toBeGreaterThan(
    0,
  );
  expect(
    sample(text, 'temporal_activity_execution_latency_count', { activity_type: 'planner' }),
  ).toBeGreaterThan(0);
});

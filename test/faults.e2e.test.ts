/**
 * Model faults and tool refusals on a real Temporal dev server: what is retried, what fails at once, and
 * what the model is told.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { builtInTools, defineTool, workspaceDirName } from '../src/tools';
import path from 'node:path';
import type { Scenario } from '../src/fake-model/scenario';
import { getStateQuery, resumeUpdate } from '../workflows/messages';
import { sleep, waitForState } from './helpers/wait';
import { failureOf } from './helpers/failures';
import { startHarness, type Harness } from './helpers/harness';
import { executorRule, finishRule, planRule } from './helpers/scenarios';

/** A tool whose output is several megabytes: more than Temporal takes in one payload (2 MB). */
const BIG_OUTPUT_CHARS = 5 * 1024 * 1024;
const bigOutputTool = defineTool({
  name: 'dump_logs',
  description: 'Returns a very large log.',
  kind: 'read-only',
  input: z.object({}).strict(),
  run: () => Promise.resolve(`LOG-START\n${'x'.repeat(BIG_OUTPUT_CHARS - 18)}\nLOG-END`),
});

let h: Harness;
beforeAll(async () => {
  // A short HTTP timeout so the timeout fault below takes seconds, not minutes.
  h = await startHarness({ modelTimeoutMs: 2_000, tools: builtInTools().register(bigOutputTool) });
});
afterAll(async () => {
  await h?.shutdown();
});

const plannerRequests = () => h.fake.requests.filter((r) => r.forcedTool === 'submit_plan');

describe('invalid planner output', () => {
  it('re-asks once with the validation errors, then fails with a clear, non-retryable error', async () => {
    const handle = await h.start(
      { goal: 'Plan badly' },
      {
        rules: [
          {
            name: 'empty-plan',
            match: { forcedTool: 'submit_plan' },
            reply: { toolCalls: [{ name: 'submit_plan', input: { steps: [] } }] },
          },
          planRule([{ id: 'a', title: 'Step A', dependsOn: ['ghost'] }]),
        ],
      },
    );
    const failure = await failureOf(handle.result());
    expect(failure.types[0]).toBe('RunFailed');
    expect(failure.messages[0]).toMatch(/planner \(anthropic:[^)]+\) returned invalid output twice/);
    expect(failure.messages[0]).toContain('steps: Too small');
    expect(failure.messages[0]).toContain(
      'step "a" depends on "ghost", which is neither in the plan nor a done or running step',
    );

    const requests = plannerRequests();
    expect(requests).toHaveLength(2);
    expect(requests[0]?.text).not.toContain('previous answer was rejected');
    expect(requests[1]?.text).toContain('Your previous answer was rejected: steps: Too small');
    const state = await handle.query(getStateQuery);
    expect(state.status).toBe('failed');
    expect(state.events.map((e) => e.kind)).toContain('invalid_output');
  });

  it('goes on when the re-ask gets a valid plan (OpenAI arguments that are not JSON at first)', async () => {
    const handle = await h.start(
      { goal: 'Plan after a slip', options: { plannerModel: 'openai:planner-big' } },
      {
        rules: [
          {
            name: 'broken-json',
            match: { forcedTool: 'submit_plan' },
            reply: { toolCalls: [{ name: 'submit_plan', rawArguments: '{"steps": [' }] },
          },
          planRule([{ id: 'a', title: 'Step A' }]),
          executorRule('a', { text: 'A done' }),
          finishRule('done after re-ask'),
        ],
      },
    );
    const result = await handle.result();
    expect(result.answer).toBe('done after re-ask');
    expect(plannerRequests()).toHaveLength(2);
    expect(plannerRequests()[1]?.text).toContain('arguments are not valid JSON');
    expect(result.usage.find((u) => u.role === 'planner')?.calls).toBe(2);
  });
});

describe('provider errors', () => {
  it('retries a 429 after the retry-after the server asked for, then succeeds', async () => {
    const handle = await h.start(
      { goal: 'Survive a rate limit' },
      {
        rules: [
          {
            name: 'rate-limited',
            match: { forcedTool: 'submit_plan' },
            error: { status: 429, message: 'slow down', headers: { 'retry-after': '2' } },
          },
          planRule([{ id: 'a', title: 'Step A' }]),
          executorRule('a', { text: 'A done' }),
          finishRule('made it'),
        ],
      },
    );
    const result = await handle.result();
    expect(result.answer).toBe('made it');
    const [limited, retried] = plannerRequests();
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    // Temporal's own first retry would come after 1 s; 2 s means the retry-after was honoured.
    expect(retried!.startedAt - limited!.endedAt!).toBeGreaterThanOrEqual(1_900);
    // The SDK did not retry on its own: Temporal owns retries, each one an attempt in history.
    expect(plannerRequests().every((r) => r.sdkRetryCount === undefined || r.sdkRetryCount === '0')).toBe(
      true,
    );
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes?.attempt);
    expect(attempts).toContain(2);
  });

  it('retries a call that ran as a local activity after the retry-after, as a regular activity', async () => {
    const handle = await h.start(
      { goal: 'Survive a rate limit mid-step' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Step A' }]),
          {
            ...executorRule('a', { toolCalls: [{ name: 'list_files', input: {} }] }),
            match: { contains: 'Your step: a:', lastMessageContains: 'Your step: a:' },
          },
          // The executor answered fast once, so its next turn runs locally; it meets a 429.
          {
            name: 'rate-limited',
            match: { contains: 'Your step: a:' },
            error: { status: 429, message: 'slow down', headers: { 'retry-after': '2' } },
          },
          executorRule('a', { text: 'A done' }),
          finishRule('made it'),
        ],
      },
    );
    expect((await handle.result()).answer).toBe('made it');
    const turns = h.fake.requests.filter((r) => r.text.includes('Your step: a:'));
    expect(turns.map((r) => r.status)).toEqual([200, 429, 200]);
    expect(turns[2]!.startedAt - turns[1]!.endedAt!).toBeGreaterThanOrEqual(1_900);
    // In history: the failed local attempt as a marker with its failure, a durable 2 s timer for the
    // retry-after, then the retry as a regular activity.
    const events = (await handle.fetchHistory()).events ?? [];
    const failedMarker = events.find((e) => e.markerRecordedEventAttributes?.failure);
    expect(failedMarker?.markerRecordedEventAttributes?.failure?.message).toContain('429');
    const timer = events.find((e) => e.timerStartedEventAttributes);
    expect(Number(timer?.timerStartedEventAttributes?.startToFireTimeout?.seconds)).toBe(2);
    const executorActivities = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'executor',
    );
    // The first turn (a regular activity, the lane's first call) and the retry.
    expect(executorActivities).toHaveLength(2);
  });

  it.each([
    ['anthropic:planner-big', 'ANTHROPIC_API_KEY'],
    ['openai:planner-big', 'OPENAI_API_KEY'],
  ])(
    'fails at once on a 401 from %s, without retries, saying to check %s',
    async (plannerModel, variable) => {
      const started = Date.now();
      const handle = await h.start(
        { goal: 'Bad key', options: { plannerModel } },
        {
          rules: [
            {
              name: 'unauthorized',
              match: { forcedTool: 'submit_plan' },
              error: { status: 401, message: 'invalid x-api-key' },
              repeat: true,
            },
          ],
        },
      );
      const failure = await failureOf(handle.result());
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(plannerRequests()).toHaveLength(1);
      expect(failure.messages[0]).toContain('planner failed');
      expect(failure.messages[0]).toContain('401');
      expect(failure.messages[0]).toContain(`check ${variable}`);
      expect(failure.types).toContain('ModelCallRejected');
    },
  );
});

describe('model fault matrix', () => {
  type Fault = Omit<Scenario['rules'][number], 'match' | 'name'>;
  const planAfter = (fault: Fault, times = 1): Scenario => ({
    rules: [
      { name: 'fault', match: { forcedTool: 'submit_plan' }, times, ...fault },
      planRule([{ id: 'a', title: 'Step A' }]),
      executorRule('a', { text: 'A done' }),
      finishRule('recovered'),
    ],
  });

  it.each<[string, Fault, number]>([
    [
      '500 internal error',
      { error: { status: 500, message: 'boom', headers: { 'retry-after-ms': '100' } } },
      2,
    ],
    [
      '529 overloaded',
      { error: { status: 529, message: 'overloaded', headers: { 'retry-after-ms': '100' } } },
      2,
    ],
    ['connection reset', { drop: true }, 2],
    ['timeout (no answer within MODEL_TIMEOUT_MS)', { delayMs: 3_000, reply: { text: 'too late' } }, 2],
    ['malformed JSON body', { malformedBody: true }, 2],
  ])('retries after a %s and goes on', async (_name, fault, attempts) => {
    const handle = await h.start({ goal: 'Survive a fault' }, planAfter(fault));
    const result = await handle.result();
    expect(result.answer).toBe('recovered');
    expect(plannerRequests()).toHaveLength(attempts);
    // Every attempt of the one logical call carried the same idempotency key.
    const { runId } = await handle.describe();
    expect(new Set(plannerRequests().map((r) => r.idempotencyKey))).toEqual(
      new Set([`${handle.workflowId}@${runId}/plan/1`]),
    );
  });

  it('fails at once on a 400, with one attempt and what to fix', async () => {
    const handle = await h.start(
      { goal: 'Bad request' },
      planAfter({ error: { status: 400, message: 'max_tokens: too large' } }),
    );
    const failure = await failureOf(handle.result());
    expect(plannerRequests()).toHaveLength(1);
    expect(failure.messages[0]).toContain('Anthropic API returned 400');
    expect(failure.messages[0]).toContain('check the model name and options');
  });

  it('ends the run after a bounded number of attempts when the model keeps failing', async () => {
    const handle = await h.start(
      { goal: 'Never works' },
      planAfter({ error: { status: 500, message: 'still down', headers: { 'retry-after-ms': '50' } } }, 100),
    );
    const failure = await failureOf(handle.result());
    expect(plannerRequests()).toHaveLength(5);
    expect(failure.messages[0]).toMatch(/^planner failed after 5 attempts: Anthropic API returned 500/);
  });

  it('pauses for a person instead, with onModelFailure "pause", and retries the call on resume', async () => {
    const handle = await h.start(
      { goal: 'Pause on failure', options: { onModelFailure: 'pause' } },
      planAfter({ error: { status: 503, message: 'maintenance', headers: { 'retry-after-ms': '50' } } }, 5),
    );
    const paused = await waitForState(handle, 'paused after failure', (s) => s.status === 'paused');
    expect(paused.events.find((e) => e.kind === 'model_failed')?.message).toContain(
      'Paused: planner failed after 5 attempts: Anthropic API returned 503',
    );
    expect(plannerRequests()).toHaveLength(5);
    await sleep(300);
    expect(plannerRequests()).toHaveLength(5); // nothing more while paused
    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    const result = await handle.result();
    expect(result.answer).toBe('recovered');
    expect(plannerRequests()).toHaveLength(6);
  });
});

describe('large outputs', () => {
  it('cuts a multi-megabyte tool output in history, keeps the full text in the workspace, and the run goes on', async () => {
    const handle = await h.start(
      { goal: 'Read the logs' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Dump logs' }]),
          executorRule('a', { toolCalls: [{ name: 'dump_logs', input: {} }] }),
          executorRule('a', { text: 'Logs read' }),
          finishRule('logs handled'),
        ],
      },
    );
    const result = await handle.result();
    expect(result.answer).toBe('logs handled');

    const history = await handle.fetchHistory();
    const largest = Math.max(...(history.events ?? []).map((e) => JSON.stringify(e).length));
    expect(largest).toBeLessThan(200_000);

    const seen = h.fake.requests.filter((r) => r.text.includes('Your step: a:'))[1];
    const toolResultSeen = seen?.lastMessageText ?? '';
    expect(toolResultSeen.length).toBeLessThan(40_000);
    expect(toolResultSeen.slice(-200)).toContain(
      '[... output cut at 32000 of 5242880 characters; the full text is in outputs/step-a_turn-1_call-0.txt in the workspace]',
    );
    const saved = readdirSync(path.join(h.workspaceRoot, workspaceDirName(handle.workflowId), 'outputs'));
    expect(saved).toHaveLength(1);
    const full = readFileSync(
      path.join(h.workspaceRoot, workspaceDirName(handle.workflowId), 'outputs', saved[0]!),
      'utf8',
    );
    expect(full).toHaveLength(BIG_OUTPUT_CHARS);
    expect(full.endsWith('LOG-END')).toBe(true);
  });
});

describe('workspace confinement', () => {
  it('refuses paths that leave the workspace, tells the model, and the run goes on', async () => {
    const outside = path.join(path.dirname(h.workspaceRoot), `escaped-${Date.now()}.txt`);
    const handle = await h.start(
      { goal: 'Try to escape' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Escape attempt' }]),
          executorRule('a', {
            toolCalls: [
              { name: 'write_file', input: { path: `../${path.basename(outside)}`, content: 'x' } },
              { name: 'read_file', input: { path: '/etc/passwd' } },
            ],
          }),
          executorRule('a', { text: 'Could not leave the workspace.' }),
          finishRule('stayed inside'),
        ],
      },
    );
    const result = await handle.result();
    expect(result.answer).toBe('stayed inside');
    expect(existsSync(outside)).toBe(false);
    const afterTools = h.fake.requests.filter((r) => r.text.includes('Your step: a:'))[1];
    expect(afterTools?.text).toContain('uses ".." and so may leave the workspace');
    expect(afterTools?.text).toContain('Absolute paths are not allowed');
    const state = await handle.query(getStateQuery);
    expect(state.events.filter((e) => e.kind === 'tool_error')).toHaveLength(2);
    expect(state.plan.steps[0]?.status).toBe('done');
  });
});

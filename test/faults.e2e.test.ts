/**
 * Model faults and tool refusals on a real Temporal dev server: what is retried, what fails at once, and
 * what the model is told.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { getStateQuery } from '../workflows/messages';
import { failureOf } from './helpers/failures';
import { startHarness, type Harness } from './helpers/harness';
import { executorRule, finishRule, planRule } from './helpers/scenarios';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
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
      'step "a" depends on "ghost", which is neither in the plan nor a done step',
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
      expect(failure.messages[0]).toContain('planGoal failed');
      expect(failure.messages[0]).toContain('401');
      expect(failure.messages[0]).toContain(`check ${variable}`);
      expect(failure.types).toContain('ModelCallRejected');
    },
  );
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
    expect(afterTools?.text).toContain('leaves the workspace');
    expect(afterTools?.text).toContain('Absolute paths are not allowed');
    const state = await handle.query(getStateQuery);
    expect(state.events.filter((e) => e.kind === 'tool_error')).toHaveLength(2);
    expect(state.plan.steps[0]?.status).toBe('done');
  });
});

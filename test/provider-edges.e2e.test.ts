/**
 * Provider answers at the edges, through the real SDKs and a real dev server: a 200 of the wrong shape, a
 * refusal and a content filter each fail at once with a message that names the provider and what was
 * wrong (never retried), and OpenAI requests carry the call's idempotency key.
 */
import type { Scenario } from '../src/fake-model/scenario';
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

const OPENAI = {
  plannerModel: 'openai:planner-big',
  executorModel: 'openai:executor-small',
  replannerModel: 'openai:planner-big',
};

const planner = () => h.fake.requests.filter((r) => r.forcedTool === 'submit_plan');

describe('unusable 200 answers fail at once, naming the provider and what was wrong', () => {
  const cases: [string, Record<string, unknown> | undefined, Scenario['rules'][number], string][] = [
    [
      'anthropic {}',
      undefined,
      { rawBody: {} },
      'Anthropic answered 200 but its body has no content list (an empty object)',
    ],
    [
      'openai {}',
      OPENAI,
      { rawBody: {} },
      'OpenAI answered 200 but its body has no choices (an empty object)',
    ],
    [
      'openai without choices',
      OPENAI,
      { rawBody: { id: 'x', object: 'chat.completion', choices: [] } },
      'OpenAI answered 200 but its body has no choices (an object with id, object, choices)',
    ],
    [
      'anthropic refusal',
      undefined,
      { reply: { text: 'I will not.', stopReason: 'refusal' } },
      'the model refused to answer (stop_reason "refusal")',
    ],
    [
      'openai content filter',
      OPENAI,
      { reply: { text: '', stopReason: 'content_filter' } },
      'a content filter stopped the answer (finish_reason "content_filter")',
    ],
    [
      'openai refusal',
      OPENAI,
      { reply: { refusal: 'I cannot help with that.' } },
      'the model refused to answer ("I cannot help with that.")',
    ],
  ];
  it.each(cases)('%s', async (_name, options, rule, message) => {
    const handle = await h.start(
      { goal: 'Edge', ...(options ? { options } : {}) },
      { rules: [{ ...rule, match: { forcedTool: 'submit_plan' } }] },
    );
    const failure = await failureOf(handle.result());
    expect(failure.messages[0]).toContain(message);
    expect(failure.messages[0]).toContain('retrying the same request will not help');
    expect(failure.types).toContain('ModelCallRejected');
    expect(planner()).toHaveLength(1); // not retried
  });
});

it('sends the idempotency key of each OpenAI call as the Idempotency-Key header, the same on a retry', async () => {
  const handle = await h.start(
    { goal: 'Keys', options: OPENAI },
    {
      rules: [
        { name: 'flaky', match: { forcedTool: 'submit_plan' }, error: { status: 500, message: 'oops' } },
        planRule([{ id: 'a', title: 'Step A' }]),
        executorRule('a', { text: 'A done' }),
        finishRule('ok'),
      ],
    },
  );
  expect((await handle.result()).answer).toBe('ok');
  const keys = h.fake.requests.map((r) => r.idempotencyKey);
  expect(keys.every((k) => typeof k === 'string' && k.startsWith(`${handle.workflowId}@`))).toBe(true);
  const [failed, retried] = planner();
  expect(failed?.status).toBe(500);
  expect(retried?.idempotencyKey).toBe(failed?.idempotencyKey);
  expect(failed?.idempotencyKey).toMatch(/\/plan\/1$/);
});

/**
 * The streaming scheduler on a real dev server, with model latency at the fake server: a ready step starts
 * as soon as a slot is free (a slow step does not hold back unrelated ones), and independent steps run in
 * parallel for real.
 */
import type { Scenario } from '../src/fake-model/scenario';
import { getStateQuery } from '../workflows/messages';
import { startHarness, type Harness } from './helpers/harness';
import { continueRule, executorRule, finishRule, planRule } from './helpers/scenarios';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

it('starts a ready step as soon as a slot is free: a later step finishes before a slow one', async () => {
  const handle = await h.start(
    { goal: 'One slow, two quick', options: { maxParallelSteps: 2 } },
    {
      rules: [
        planRule([
          { id: 'slow', title: 'Slow' },
          { id: 'quick1', title: 'Quick one' },
          { id: 'quick2', title: 'Quick two' },
        ]),
        executorRule('slow', { text: 'slow done' }, { delayMs: 4_000 }),
        executorRule('quick1', { text: 'quick1 done' }),
        executorRule('quick2', { text: 'quick2 done' }),
        // quick1 finished while slow runs and a slot is free for quick2: the re-planner keeps quick2.
        {
          ...continueRule([{ id: 'quick2', title: 'Quick two' }], 'quick2 next'),
          match: { forcedTool: 'submit_replan', contains: 'Steps just run: quick1' },
        },
        // quick2 finished while slow still runs and nothing else could start: one re-plan covers both.
        {
          ...finishRule('all three done'),
          match: { forcedTool: 'submit_replan', contains: 'Steps just run: slow, quick2' },
        },
      ],
    },
  );
  expect((await handle.result()).answer).toBe('all three done');
  const state = await handle.query(getStateQuery);
  const ended = (id: string) => Date.parse(state.plan.steps.find((s) => s.id === id)?.endedAt ?? '');
  expect(ended('quick2')).toBeLessThan(ended('slow'));
  // The re-planner ran while slow went on, and was told slow was running.
  const firstReplan = h.fake.requests.find((r) => r.forcedTool === 'submit_replan');
  expect(firstReplan?.text).toContain('Running now (fixed; you cannot change them');
  expect(firstReplan?.text).toContain('- slow: Slow');
  expect(h.fake.requests.filter((r) => r.forcedTool === 'submit_replan')).toHaveLength(2);
});

/** 4 independent steps of TURNS executor turns each (tool calls, then a summary), each model call 500 ms. */
const LATENCY_MS = 500;
const TURNS = 3;
const IDS = ['p1', 'p2', 'p3', 'p4'];

function wideScenario(): Scenario {
  const rules: Scenario['rules'] = [
    { ...planRule(IDS.map((id) => ({ id, title: `Part ${id}` }))), delayMs: LATENCY_MS },
  ];
  for (const id of IDS) {
    // Turns 1..TURNS-1 list files; the last one sums up.
    rules.push({
      name: `tools-${id}`,
      match: { contains: `Your step: ${id}:` },
      times: TURNS - 1,
      delayMs: LATENCY_MS,
      reply: { toolCalls: [{ name: 'list_files', input: {} }] },
    });
    rules.push({ ...executorRule(id, { text: `${id} done` }), delayMs: LATENCY_MS });
  }
  rules.push({
    name: 'finish',
    match: { forcedTool: 'submit_replan' },
    delayMs: LATENCY_MS,
    reply: {
      toolCalls: [
        {
          name: 'submit_replan',
          input: { action: 'finish', reason: 'parts done', answer: 'all parts done', remainingSteps: [] },
        },
      ],
    },
  });
  return { rules };
}

// How much faster this is than one step at a time is measured by `npm run bench -- --only wide`; here, the
// behaviour: the four steps' model calls overlap turn by turn, and one re-plan covers all four.
it('runs four independent steps at once, turn by turn, with one re-plan for all of them', async () => {
  const handle = await h.start({ goal: 'Four parts', options: { maxParallelSteps: 4 } }, wideScenario());
  const result = await handle.result();
  expect(result.answer).toBe('all parts done');
  expect(result.stepsExecuted).toBe(4);
  const turns = IDS.map((id) => h.fake.requests.filter((r) => r.text.includes(`Your step: ${id}:`)));
  for (let t = 0; t < TURNS; t++) {
    const calls = turns.map((stepCalls) => stepCalls[t]!);
    const lastStart = Math.max(...calls.map((c) => c.startedAt));
    const firstEnd = Math.min(...calls.map((c) => c.endedAt!));
    expect(lastStart).toBeLessThan(firstEnd); // all four of turn t were in flight at once
  }
  expect(h.fake.requests.filter((r) => r.forcedTool === 'submit_replan')).toHaveLength(1);
  expect(result.replans).toBe(1);
});

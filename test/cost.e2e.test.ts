/**
 * What runs cost, on a real Temporal dev server with the fake model server: dollars per call, step, role
 * and run from the price table and the tokens the fake reported; unknown models; prompt caching as the
 * fake emulates it; finished steps reused instead of paid again; the plan-quality report from the CLI.
 */
import type { RecordedRequest } from '../src/fake-model/server';
import { BUILT_IN_PRICES } from '../src/llm/prices';
import { costOf, roundUsd } from '../workflows/cost';
import { editPlanUpdate, getStateQuery } from '../workflows/messages';
import type { ModelRole } from '../workflows/state';
import { runCli } from './helpers/cli';
import { startHarness, type Harness } from './helpers/harness';
import { continueRule, executorRule, finishRule, fullRunScenario, planRule } from './helpers/scenarios';
import { waitFor } from './helpers/wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

const SONNET = 'anthropic:claude-sonnet-4-6';
const HAIKU = 'anthropic:claude-haiku-4-5';
const PRICED = { plannerModel: SONNET, replannerModel: SONNET, executorModel: HAIKU };

function roleOf(r: RecordedRequest): ModelRole {
  return r.forcedTool === 'submit_plan'
    ? 'planner'
    : r.forcedTool === 'submit_replan'
      ? 'replanner'
      : 'executor';
}

/** What the fake's own token counts cost at the built-in prices of `spec`. */
function expectedUsd(requests: RecordedRequest[], spec: string): number {
  const prices = BUILT_IN_PRICES[spec];
  if (!prices) throw new Error(`no built-in price for ${spec}`);
  return requests.reduce((sum, r) => sum + (r.usage ? costOf(r.usage, prices) : 0), 0);
}

describe('dollar accounting', () => {
  it('shows per call, step, role and run the cost the price table gives for the tokens the fake reported', async () => {
    const handle = await h.start(
      { goal: 'Leave a greeting in notes.md', options: PRICED },
      fullRunScenario(),
    );
    const result = await handle.result();
    const requests = h.fake.requests;
    expect(requests.every((r) => r.usage !== undefined)).toBe(true);

    for (const role of ['planner', 'executor', 'replanner'] as const) {
      const entry = result.usage.find((u) => u.role === role);
      const mine = requests.filter((r) => roleOf(r) === role);
      const spec = role === 'executor' ? HAIKU : SONNET;
      expect(entry).toMatchObject({ model: spec, calls: mine.length, unpricedCalls: 0 });
      expect(entry?.inputTokens).toBe(mine.reduce((n, r) => n + (r.usage?.inputTokens ?? 0), 0));
      expect(entry?.outputTokens).toBe(mine.reduce((n, r) => n + (r.usage?.outputTokens ?? 0), 0));
      expect(entry?.costUsd).toBeCloseTo(expectedUsd(mine, spec), 12);
    }
    // Per step: the executor calls that carried the step's brief.
    for (const id of ['s1', 's3']) {
      const step = result.plan.steps.find((s) => s.id === id);
      const mine = requests.filter((r) => r.text.includes(`Your step: ${id}:`));
      expect(step?.spend?.calls).toBe(mine.length);
      expect(step?.spend?.costUsd).toBeCloseTo(expectedUsd(mine, HAIKU), 12);
    }
    // Per run, and per call in the state's call list.
    const total =
      expectedUsd(
        requests.filter((r) => roleOf(r) === 'executor'),
        HAIKU,
      ) +
      expectedUsd(
        requests.filter((r) => roleOf(r) !== 'executor'),
        SONNET,
      );
    expect(result.report?.total.costUsd).toBeCloseTo(total, 12);
    const state = await handle.query(getStateQuery);
    expect(state.spend?.calls.map((c) => c.role)).toEqual(requests.map(roleOf));
    expect(state.spend?.calls.map((c) => c.inputTokens)).toEqual(requests.map((r) => r.usage?.inputTokens));

    const status = await runCli('src/cli/agent.ts', ['status', handle.workflowId], cliEnv());
    expect(status.stdout).toContain(`cost:     $${roundUsd(total)}`);
  });

  it('counts the tokens of a model without a price and shows its cost as unknown, never 0', async () => {
    const unknown = {
      plannerModel: 'anthropic:planner-big',
      replannerModel: 'anthropic:planner-big',
      executorModel: 'anthropic:executor-small',
    };
    const handle = await h.start(
      { goal: 'Leave a greeting in notes.md', options: unknown },
      fullRunScenario(),
    );
    const result = await handle.result();
    for (const entry of result.usage) {
      expect(entry.inputTokens).toBeGreaterThan(0);
      expect(entry.costUsd).toBeNull();
      expect(entry.unpricedCalls).toBe(entry.calls);
    }
    expect(result.report?.total.costUsd).toBeNull();
    const report = await runCli('src/cli/agent.ts', ['report', handle.workflowId], cliEnv());
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/cost: +unknown for 7 model calls/);
    expect(report.stdout).not.toContain('$0 ');
  });
});

describe('prompt caching', () => {
  it('marks the prefix of every Anthropic request; a 10-step run reads over half its input from the cache', async () => {
    const steps = Array.from({ length: 10 }, (_, i) => ({ id: `s${i + 1}`, title: `Section ${i + 1}` }));
    const rules = [planRule(steps)];
    for (const [i, s] of steps.entries()) {
      rules.push(
        executorRule(s.id, {
          toolCalls: [{ name: 'write_file', input: { path: `${s.id}.md`, content: s.title } }],
        }),
        executorRule(s.id, { text: `Wrote ${s.id}.md` }),
      );
      rules.push(
        i === steps.length - 1
          ? finishRule('all sections written')
          : continueRule(steps.slice(i + 1), 'next section', `replan-${s.id}`),
      );
    }
    const handle = await h.start(
      {
        goal: 'Write the ten sections of the handbook, one file each.',
        context: HANDBOOK_CONTEXT,
        options: PRICED,
      },
      // The fake's default emulation caches prefixes of any length (Anthropic's own minimum is 1,024 tokens;
      // with it, this run's short executor prompts are not cached: see README, "Prompt caching").
      { rules },
    );
    const result = await handle.result();
    expect(result.answer).toBe('all sections written');
    for (const r of h.fake.requests) {
      expect(r.body.system).toEqual([expect.objectContaining({ cache_control: { type: 'ephemeral' } })]);
      const first = (r.body.messages as { content: { cache_control?: unknown }[] }[])[0];
      expect(first?.content[0]?.cache_control).toEqual({ type: 'ephemeral' });
    }
    const share = result.report?.cache.readShare ?? 0;
    console.log(
      `10-step run: ${Math.round(share * 100)}% of ${result.report?.cache.inputTokens} input tokens read from the cache`,
    );
    expect(share).toBeGreaterThan(0.5);
    // Cached tokens are priced at the cache-read rate: the run costs less than the same tokens uncached.
    const uncached = result.usage.reduce(
      (sum, u) =>
        sum + costOf({ inputTokens: u.inputTokens, outputTokens: u.outputTokens }, BUILT_IN_PRICES[u.model]!),
      0,
    );
    expect(result.report?.total.costUsd).toBeLessThan(uncached);
  });

  it('reports what OpenAI served from its automatic cache', async () => {
    const handle = await h.start(
      {
        goal: 'Leave a greeting in notes.md',
        context: HANDBOOK_CONTEXT,
        options: {
          plannerModel: 'openai:gpt-4.1',
          replannerModel: 'openai:gpt-4.1',
          executorModel: 'openai:gpt-4.1-mini',
        },
      },
      fullRunScenario(),
    );
    const result = await handle.result();
    const replanner = result.usage.find((u) => u.role === 'replanner');
    // The second re-plan repeats the first one's tools, system prompt, goal and context: served from the cache.
    expect(replanner?.cacheReadTokens).toBeGreaterThanOrEqual(1024);
    expect(replanner?.costUsd).toBeCloseTo(
      expectedUsd(
        h.fake.requests.filter((r) => roleOf(r) === 'replanner'),
        'openai:gpt-4.1',
      ),
      12,
    );
  });
});

describe('no call paid twice', () => {
  it('a re-planned step with a done step’s inputs takes its result; no executor call is made', async () => {
    const a = { id: 'a', title: 'Count the files', instructions: 'List the workspace and count the files.' };
    const handle = await h.start(
      { goal: 'Count files' },
      {
        rules: [
          planRule([a]),
          executorRule('a', { text: 'There are 3 files.' }),
          continueRule([{ ...a, id: 'a2' }], 'count again to be sure'),
          finishRule('3 files'),
        ],
      },
    );
    const result = await handle.result();
    expect(h.fake.requests.filter((r) => r.text.includes('Your step: a2:'))).toHaveLength(0);
    const a2 = result.plan.steps.find((s) => s.id === 'a2');
    expect(a2).toMatchObject({ status: 'done', result: 'There are 3 files.', reusedFrom: 'a' });
    expect(a2?.spend).toBeUndefined();
    expect(result.report?.steps).toMatchObject({ reused: 1, ran: 1 });
    const state = await handle.query(getStateQuery);
    expect(state.events.map((e) => e.kind)).toContain('step_reused');
  });

  it('an edit that leaves a finished step’s inputs unchanged does not call its executor again; a changed one runs and is re-paid', async () => {
    const a = { id: 'a', title: 'Draft intro', instructions: 'Write intro.md with one sentence.' };
    const handle = await h.start(
      { goal: 'Write an intro' },
      {
        rules: [
          planRule([a, { id: 'b', title: 'Review', dependsOn: ['a'] }]),
          executorRule('a', { text: 'intro.md written' }),
          continueRule([{ id: 'b', title: 'Review', dependsOn: ['a'] }], 'review next'),
          executorRule('b', { text: 'reviewed' }, { delayMs: 1_500 }),
          executorRule('a-longer', { text: 'longer intro written' }),
          { ...finishRule('intro done'), repeat: true },
        ],
      },
    );
    // Edit while b's executor call is in flight (the fake holds it 1.5 s): a is done by then.
    await waitFor('b’s executor call', () =>
      h.fake.requests.some((r) => r.text.includes('Your step: b:')) ? true : undefined,
    );
    await handle.executeUpdate(editPlanUpdate, {
      args: [
        {
          ops: [
            { op: 'add', step: { ...a, id: 'a-again', dependsOn: [] } },
            {
              op: 'add',
              step: {
                ...a,
                id: 'a-longer',
                instructions: 'Write intro.md with three sentences.',
                dependsOn: [],
              },
            },
          ],
          reason: 'redo the intro',
        },
      ],
    });
    const result = await handle.result();
    expect(result.answer).toBe('intro done');
    const byId = new Map(result.plan.steps.map((s) => [s.id, s]));
    expect(byId.get('a-again')).toMatchObject({
      status: 'done',
      reusedFrom: 'a',
      result: 'intro.md written',
    });
    expect(byId.get('a-longer')).toMatchObject({
      status: 'done',
      redoes: 'a',
      result: 'longer intro written',
    });
    expect(h.fake.requests.filter((r) => r.text.includes('Your step: a-again:'))).toHaveLength(0);
    expect(h.fake.requests.filter((r) => r.text.includes('Your step: a-longer:'))).toHaveLength(1);
    expect(result.report?.repaid.steps).toEqual(['a-longer']);
    expect(result.report?.repaid.costUsd).toBeGreaterThan(0);
    expect(result.report?.repaid.costUsd).toBe(byId.get('a-longer')?.spend?.costUsd);

    const report = await runCli('src/cli/agent.ts', ['report', handle.workflowId, '--json'], cliEnv());
    const figures = JSON.parse(report.stdout) as NonNullable<typeof result.report>;
    expect(figures.steps).toMatchObject({ planned: 4, ran: 3, reused: 1, repaid: 1, failed: 0 });
    expect(figures.replans.revisions).toContainEqual(
      expect.objectContaining({ author: 'human', added: ['a-again', 'a-longer'], reason: 'redo the intro' }),
    );
    // b depends on a: the critical path runs through both.
    expect(figures.parallelism.criticalPath.slice(0, 2)).toEqual(['a', 'b']);
    const text = await runCli('src/cli/agent.ts', ['report', handle.workflowId], cliEnv());
    expect(text.stdout).toContain('1 reused · 1 re-paid');
    expect(text.stdout).toMatch(/a-again +done .*reused a, no call/);
    expect(text.stdout).toContain('re-paid:     a-longer did finished work again');
  });
});

function cliEnv(): Record<string, string> {
  return { TEMPORAL_ADDRESS: h.env.address, TASK_QUEUE: h.taskQueue };
}

/** A project brief of the size people pass as context (about 1,400 tokens). */
const HANDBOOK_CONTEXT = [
  'The handbook is for new engineers joining the platform team. It is written in plain English, in short',
  'paragraphs, with one idea per paragraph and no marketing language. Each section starts with what the reader',
  'will be able to do after reading it, then explains the why before the how, and ends with a checklist.',
  'Sections: onboarding, development environment, code review, testing, deployment, incidents, on-call,',
  'observability, security basics, and where to ask for help. Use second person ("you"), present tense, and',
  'keep every section under 600 words. Link to internal tools by their names only; the links are added later.',
]
  .join(' ')
  .repeat(8);

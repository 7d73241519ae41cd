/**
 * Budgets on a real Temporal dev server with the fake model server: a run stops at its dollar, token or
 * time limit before the next call, waits in awaiting_budget (no request reaches the fake meanwhile, across a
 * worker restart) until a person extends the budget, or ends when told to; bad extensions are refused.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Scenario } from '../src/fake-model/scenario';
import { budgetUpdate, getStateQuery, rejectUpdate } from '../workflows/messages';
import { runCli } from './helpers/cli';
import { startHarness, type Harness } from './helpers/harness';
import { recordHistory } from './helpers/histories';
import { continueRule, executorRule, finishRule, planRule } from './helpers/scenarios';
import { sleep, waitForState } from './helpers/wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

const PRICED = {
  plannerModel: 'anthropic:claude-sonnet-4-6',
  replannerModel: 'anthropic:claude-sonnet-4-6',
  executorModel: 'anthropic:claude-haiku-4-5',
};
/** Every call reports 1,000 input and 100 output tokens: $0.0045 at Sonnet 4.6's prices, $0.0015 at Haiku 4.5's. */
const USAGE = { inputTokens: 1_000, outputTokens: 100 };

type Rule = Scenario['rules'][number];
const fixed = (rule: Rule, delayMs = 0): Rule => ({
  ...rule,
  delayMs,
  reply: { ...rule.reply, usage: USAGE },
});

/** a → b → c, one executor turn each; the re-planner keeps the rest, then finishes. */
function chainScenario(delayMs = 0): Scenario {
  const steps = [
    { id: 'a', title: 'Step A' },
    { id: 'b', title: 'Step B', dependsOn: ['a'] },
    { id: 'c', title: 'Step C', dependsOn: ['b'] },
  ];
  return {
    rules: [
      planRule(steps),
      executorRule('a', { text: 'A done' }),
      continueRule(steps.slice(1), 'go on', 'replan-a'),
      executorRule('b', { text: 'B done' }),
      continueRule(steps.slice(2), 'go on', 'replan-b'),
      executorRule('c', { text: 'C done' }),
      finishRule('all three done'),
    ].map((r) => fixed(r, delayMs)),
  };
}

const cliEnv = () => ({ TEMPORAL_ADDRESS: h.env.address, TASK_QUEUE: h.taskQueue });

describe('dollar budget', () => {
  it('waits at the limit with no request reaching the fake, across a worker restart, until agent budget --add-usd', async () => {
    // plan $0.0045 + a $0.0015 + re-plan $0.0045 = $0.0105: the limit of $0.01 is reached before b.
    const handle = await h.start(
      { goal: 'Three steps', options: { ...PRICED, budgetUsd: 0.01 } },
      chainScenario(),
    );
    const waiting = await waitForState(handle, 'awaiting_budget', (s) => s.status === 'awaiting_budget');
    expect(waiting.budget?.waiting).toMatchObject({ kind: 'usd' });
    expect(waiting.budget?.waiting?.message).toBe('dollar budget reached: spent $0.0105 of $0.0100');
    const sent = h.fake.requests.length;
    expect(h.fake.requests.map((r) => r.rule)).toEqual(['plan', 'exec-a', 'replan-a']);

    const status = await runCli('src/cli/agent.ts', ['status', handle.workflowId], cliEnv());
    expect(status.stdout).toContain('status:   awaiting_budget');
    expect(status.stdout).toContain('waiting: dollar budget reached: spent $0.0105 of $0.0100');
    expect(status.stdout).toMatch(
      /executor +anthropic:claude-haiku-4-5 +1 calls +1000 in \/ 100 out +\$0\.00150/,
    );

    await sleep(2_000);
    await h.restartWorker();
    await sleep(2_000);
    expect((await handle.query(getStateQuery)).status).toBe('awaiting_budget');
    expect(h.fake.requests).toHaveLength(sent);

    const extended = await runCli(
      'src/cli/agent.ts',
      ['budget', handle.workflowId, '--add-usd', '0.5'],
      cliEnv(),
    );
    expect(extended.stdout.trim()).toBe('OK: budget is now $0.51 (plan v2, status awaiting_budget)');
    const result = await handle.result();
    await recordHistory(handle, 'budget-extended', h.env.address);
    expect(result.answer).toBe('all three done');
    expect(h.fake.requests).toHaveLength(7);
    expect(result.report?.budget).toEqual({ limits: { usd: 0.51 }, stops: 1, extensions: 1 });
    expect(result.report?.waiting.byStatus.awaiting_budget).toBeGreaterThan(4_000);
    expect(result.report?.total.costUsd).toBeCloseTo(4 * 0.0045 + 3 * 0.0015, 12);
  });
});

describe('token budget with onBudgetExhausted "end"', () => {
  it('stops before a call its estimate says would pass the limit, and ends with what was done', async () => {
    const handle = await h.start(
      { goal: 'Write then check', options: { ...PRICED, budgetTokens: 3_000, onBudgetExhausted: 'end' } },
      {
        rules: [
          planRule([{ id: 'a', title: 'Write' }]),
          executorRule('a', { toolCalls: [{ name: 'write_file', input: { path: 'x.md', content: 'x' } }] }),
          executorRule('a', { text: 'written' }),
          finishRule('done'),
        ].map((r) => fixed(r)),
      },
    );
    const result = await handle.result();
    // 2,200 tokens spent; the next executor turn is estimated at 1,000 input tokens: 3,200 would pass 3,000.
    expect(result.endReason).toBe('budget_exhausted');
    expect(result.message).toContain(
      'token budget would be passed by the next call (estimated at 1000 input tokens): spent 2200 of 3000 tokens',
    );
    expect(h.fake.requests.map((r) => r.rule)).toEqual(['plan', 'exec-a']);
    expect(result.plan.steps[0]).toMatchObject({ id: 'a', status: 'failed' });
    expect(result.report?.total.inputTokens).toBe(2_000);
  });
});

describe('budget across continue-as-new', () => {
  it('carries the limits and what was spent into the continued run', async () => {
    // 1,100 tokens a call; the run continues as new after each step (before that step's re-plan). Plan and
    // a in the first run; a's re-plan and b (4,400 in all) in the second; the third finds the 4,000-token
    // limit reached before b's re-plan.
    const handle = await h.start(
      { goal: 'Three steps', options: { budgetTokens: 4_000, continueAsNewAfterSteps: 1 } },
      chainScenario(),
    );
    const waiting = await waitForState(handle, 'awaiting_budget', (s) => s.status === 'awaiting_budget');
    expect(waiting.continuedAsNew).toBe(2);
    expect(waiting.budget?.waiting?.message).toBe('token budget reached: spent 4400 of 4000 tokens');
    expect(h.fake.requests.map((r) => r.rule)).toEqual(['plan', 'exec-a', 'replan-a', 'exec-b']);
    await handle.executeUpdate(budgetUpdate, { args: [{ addTokens: 10_000 }] });
    const result = await handle.result();
    expect(result.answer).toBe('all three done');
    expect(result.report?.total.inputTokens).toBe(7_000);
    expect(result.report?.budget).toEqual({ limits: { tokens: 14_000 }, stops: 1, extensions: 1 });
  });
});

describe('time budget', () => {
  it('counts run time, not time waiting for people, and goes on after --add-minutes', async () => {
    // Every call takes 0.7 s: after the plan, a and its re-plan, 2.1 s have passed the 1.8 s limit.
    const handle = await h.start(
      { goal: 'Three slow steps', options: { budgetMinutes: 0.03 } },
      chainScenario(700),
    );
    const waiting = await waitForState(handle, 'awaiting_budget', (s) => s.status === 'awaiting_budget');
    expect(waiting.budget?.waiting?.kind).toBe('minutes');
    expect(waiting.budget?.waiting?.message).toMatch(/^time budget reached: ran \d\.\d\d of 0\.03 minutes/);
    await sleep(1_000);
    await handle.executeUpdate(budgetUpdate, { args: [{ addMinutes: 1, reason: 'worth it' }] });
    const result = await handle.result();
    expect(result.answer).toBe('all three done');
    const state = await handle.query(getStateQuery);
    expect(state.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['budget_exhausted', 'budget_extended']),
    );
    expect(state.events.find((e) => e.kind === 'budget_extended')?.message).toContain('(worth it)');
  });
});

describe('extending a budget', () => {
  async function rejection(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) return err.cause?.message ?? err.message;
      throw err;
    }
    throw new Error('expected a rejection');
  }

  it('refuses what the run has no budget for, an empty extension, and bad flags', async () => {
    const scenario = { rules: [{ ...planRule([{ id: 'a', title: 'Step A' }]), repeat: true }] };
    const withTokens = await h.start(
      { goal: 'Waits for approval', options: { requireApproval: true, budgetTokens: 100_000 } },
      scenario,
    );
    const without = await h.start({ goal: 'Waits too', options: { requireApproval: true } }, scenario);
    for (const handle of [withTokens, without]) {
      await waitForState(handle, 'awaiting_approval', (s) => s.status === 'awaiting_approval');
    }
    expect(await rejection(withTokens.executeUpdate(budgetUpdate, { args: [{ addUsd: 1 }] }))).toBe(
      'the run has no dollar (--add-usd) budget; it can be extended with: --add-tokens',
    );
    expect(await rejection(withTokens.executeUpdate(budgetUpdate, { args: [{}] }))).toContain(
      'give at least one of addUsd, addTokens, addMinutes',
    );
    expect(await rejection(without.executeUpdate(budgetUpdate, { args: [{ addTokens: 5 }] }))).toContain(
      'the run has no budget to extend',
    );
    const ok = await withTokens.executeUpdate(budgetUpdate, { args: [{ addTokens: 5_000 }] });
    expect(ok.message).toBe('budget is now 105000 tokens');

    const noFlags = await runCli('src/cli/agent.ts', ['budget', withTokens.workflowId], cliEnv());
    expect(noFlags.code).toBe(2);
    expect(noFlags.stderr).toContain('budget needs --add-usd N, --add-tokens N or --add-minutes N');
    const badStart = await runCli('src/cli/agent.ts', ['start', 'x', '--budget-usd', 'lots'], cliEnv());
    expect(badStart.code).toBe(2);
    expect(badStart.stderr).toContain(
      '--budget-usd takes a plain decimal number (like 0.50 or 12), got "lots"',
    );
    const zero = await runCli('src/cli/agent.ts', ['start', 'x', '--budget-usd', '0'], cliEnv());
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--budget-usd: Too small: expected number to be >0');
    const alone = await runCli('src/cli/agent.ts', ['start', 'x', '--on-budget-exhausted', 'end'], cliEnv());
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--on-budget-exhausted needs a budget');

    for (const handle of [withTokens, without]) {
      await handle.executeUpdate(rejectUpdate, { args: [{ reason: 'test over' }] });
    }
  });
});

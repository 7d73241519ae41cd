/**
 * Retries and backoff as the fake model server sees them: the server's retry-after (shorter and longer than
 * Temporal's own backoff), the default backoff, which failures are never retried, and the attempt caps of
 * model and tool calls. The policies are read from workflows/timeouts.ts, so a change of settings changes
 * the expectations, not the test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { msToNumber, optionalTsToMs } from '@temporalio/common/lib/time';
import type { RecordedRequest } from '../src/fake-model/server';
import type { Scenario } from '../src/fake-model/scenario';
import { workspaceDirName } from '../src/tools';
import {
  MODEL_CALL_MAX_ATTEMPTS,
  modelCallOptions,
  TOOL_CALL_MAX_ATTEMPTS,
  toolCallOptions,
} from '../workflows/timeouts';
import { failureOf } from './helpers/failures';
import { startHarness, type Harness } from './helpers/harness';
import { sleep } from './helpers/wait';
import { executorRule, finishRule, planRule } from './helpers/scenarios';
import { getStateQuery } from '../workflows/messages';

const modelRetry = modelCallOptions.retry!;
const INITIAL_MS = msToNumber(modelRetry.initialInterval!);
const COEFFICIENT = modelRetry.backoffCoefficient!;
/** Temporal's own delay before attempt n+1 (n from 1), without a retry-after. */
const defaultDelay = (n: number) => INITIAL_MS * COEFFICIENT ** (n - 1);

type Rule = Scenario['rules'][number];
type Role = 'planner' | 'executor' | 'replanner';

/**
 * The requests of one role: the planner and re-planner force their tool, the executor's first turn opens
 * with its step. (`contains` is left free for the goal, which tells runs side by side apart.)
 */
const matchRole = (role: Role): Rule['match'] =>
  role === 'planner'
    ? { forcedTool: 'submit_plan' }
    : role === 'replanner'
      ? { forcedTool: 'submit_replan' }
      : { lastMessageContains: 'Your step: a:' };
const ACTIVITY: Record<Role, string> = { planner: 'planner', executor: 'executor', replanner: 'replanner' };
type Fault = Omit<Rule, 'match' | 'name'>;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.endStartedRuns();
});
afterAll(async () => {
  await h?.shutdown();
});

const plannerRequests = () => h.fake.requests.filter((r) => r.forcedTool === 'submit_plan');
/** Time from the end of each attempt to the start of the next one, as the fake server saw them. */
const gaps = (requests: RecordedRequest[]) =>
  requests.slice(1).map((r, i) => r.startedAt - requests[i]!.endedAt!);

/** A plan call that meets `fault` `times` times first, then a run that finishes. */
const planAfter = (fault: Fault, times: number): Scenario => ({
  rules: [
    { name: 'fault', match: { forcedTool: 'submit_plan' }, times, ...fault },
    planRule([{ id: 'a', title: 'Step A' }]),
    executorRule('a', { text: 'A done' }),
    finishRule('recovered'),
  ],
});

describe('retry-after', () => {
  it('a retry-after shorter than the default backoff is honoured: the retries come sooner', async () => {
    const retryAfterMs = Math.round(defaultDelay(1) / 2);
    const handle = await h.start(
      { goal: 'Short waits' },
      planAfter(
        { error: { status: 429, message: 'slow down', headers: { 'retry-after-ms': String(retryAfterMs) } } },
        3,
      ),
    );
    // The server's own record of the retries it scheduled: each exactly retry-after after the failed
    // attempt. (The record shows only until the retry is due, so not every one may be caught.)
    const scheduled = new Map<number, number>();
    const done = handle.result();
    let finished = false;
    void done.finally(() => (finished = true)).catch(() => undefined);
    while (!finished) {
      const pending = (await handle.describe()).raw.pendingActivities?.[0];
      const last = optionalTsToMs(pending?.lastAttemptCompleteTime);
      const next = optionalTsToMs(pending?.nextAttemptScheduleTime);
      if (last !== undefined && next !== undefined) scheduled.set(last, next - last);
      await sleep(50);
    }
    expect((await done).answer).toBe('recovered');
    expect(scheduled.size).toBeGreaterThan(0);
    // Each time is cut to whole milliseconds on its own, so a gap may read one more.
    for (const gap of scheduled.values()) expect([retryAfterMs, retryAfterMs + 1]).toContain(gap);

    // At the fake server: no retry came before its time. (How much later it came is the server's business:
    // the dev server starts no retry sooner than about a second after the failure, whatever it scheduled.)
    const waited = gaps(plannerRequests());
    expect(waited).toHaveLength(3);
    for (const gap of waited) expect(gap).toBeGreaterThanOrEqual(retryAfterMs - 5);
  });

  it('a retry-after longer than the default backoff is honoured: the retry waits for it', async () => {
    const retryAfterSeconds = Math.ceil((defaultDelay(1) * 2.5) / 1000);
    const handle = await h.start(
      { goal: 'A long wait' },
      planAfter(
        {
          error: { status: 429, message: 'slow down', headers: { 'retry-after': String(retryAfterSeconds) } },
        },
        1,
      ),
    );
    expect((await handle.result()).answer).toBe('recovered');
    const [waited] = gaps(plannerRequests());
    expect(waited).toBeGreaterThanOrEqual(retryAfterSeconds * 1000 - 50);
  });

  it('without a retry-after, Temporal’s backoff applies and grows', async () => {
    const handle = await h.start(
      { goal: 'Backoff' },
      planAfter({ error: { status: 503, message: 'busy' } }, 2),
    );
    expect((await handle.result()).answer).toBe('recovered');
    const [first, second] = gaps(plannerRequests());
    expect(first).toBeGreaterThanOrEqual(defaultDelay(1) - 50);
    expect(second).toBeGreaterThanOrEqual(defaultDelay(2) - 50);
  });
});

describe('which failures are retried', () => {
  const RETRIED = [408, 409, 429, 500, 502, 503, 529];
  const REFUSED: [number, Role, string][] = [
    [400, 'replanner', 'check the model name and options'],
    [401, 'executor', 'check ANTHROPIC_API_KEY'],
    [403, 'planner', 'is not allowed to use this model'],
    [404, 'planner', 'the model or endpoint does not exist'],
    [422, 'executor', 'a retry will not help'],
  ];

  // One run per status, side by side (each retry waits about a second); rules tell them apart by goal.
  it(`retries ${RETRIED.join(', ')} once each, and the runs go on`, async () => {
    h.fake.setScenario({
      rules: [
        ...RETRIED.map((status): Rule => ({
          name: `fault-${status}`,
          match: { forcedTool: 'submit_plan', contains: `Goal:\nRetry ${status}\n` },
          error: { status, message: 'try again', headers: { 'retry-after-ms': '20' } },
        })),
        { ...planRule([{ id: 'a', title: 'Step A' }]), repeat: true },
        executorRule('a', { text: 'A done' }, { repeat: true }),
        { ...finishRule('recovered'), repeat: true },
      ],
    });
    h.fake.clearRequests();
    const handles = await Promise.all(RETRIED.map((status) => h.startRun({ goal: `Retry ${status}` })));
    const results = await Promise.all(handles.map((handle) => handle.result()));
    expect(results.map((r) => r.answer)).toEqual(RETRIED.map(() => 'recovered'));
    for (const status of RETRIED) {
      const calls = plannerRequests().filter((r) => r.text.includes(`Goal:\nRetry ${status}\n`));
      expect([status, calls.map((r) => r.status)]).toEqual([status, [status, 200]]);
    }
  });

  /** Each role meets the refusal once; nothing is retried and the run fails at once saying what to fix. */
  it(`fails at once, without a retry, on ${REFUSED.map(([s, role]) => `${s} (${role})`).join(', ')}`, async () => {
    h.fake.setScenario({
      rules: [
        ...REFUSED.map(([status, role]): Rule => ({
          name: `refused-${status}`,
          match: { ...matchRole(role), contains: `Refused with ${status}\n` },
          repeat: true,
          error: { status, message: 'no' },
        })),
        { ...planRule([{ id: 'a', title: 'Step A' }]), repeat: true },
        executorRule('a', { text: 'A done' }, { repeat: true }),
        { ...finishRule('never'), repeat: true },
      ],
    });
    h.fake.clearRequests();
    const handles = await Promise.all(
      REFUSED.map(([status]) => h.startRun({ goal: `Refused with ${status}` })),
    );
    const failures = await Promise.all(handles.map((handle) => failureOf(handle.result())));
    REFUSED.forEach(([status, role, fix], i) => {
      const failure = failures[i]!;
      expect([status, h.fake.requests.filter((r) => r.rule === `refused-${status}`).length]).toEqual([
        status,
        1,
      ]);
      expect(failure.types).toContain('ModelCallRejected');
      expect(failure.messages[0]).toMatch(
        new RegExp(`^${ACTIVITY[role]} failed: Anthropic API returned ${status}`),
      );
      expect(failure.messages[0]).toContain(fix);
    });
  });
});

describe('attempt caps', () => {
  it('a planner call and an executor call that keep failing stop after the configured number of attempts', async () => {
    const roles = ['planner', 'executor'] as const;
    h.fake.setScenario({
      rules: [
        ...roles.map((role): Rule => ({
          name: `down-${role}`,
          match: { ...matchRole(role), contains: `Never works (${role})` },
          repeat: true,
          error: { status: 500, message: 'down', headers: { 'retry-after-ms': '20' } },
        })),
        { ...planRule([{ id: 'a', title: 'Step A' }]), repeat: true },
      ],
    });
    h.fake.clearRequests();
    const handles = await Promise.all(roles.map((role) => h.startRun({ goal: `Never works (${role})` })));
    const failures = await Promise.all(handles.map((handle) => failureOf(handle.result())));
    roles.forEach((role, i) => {
      expect([role, h.fake.requests.filter((r) => r.rule === `down-${role}`).length]).toEqual([
        role,
        MODEL_CALL_MAX_ATTEMPTS,
      ]);
      expect(failures[i]!.messages[0]).toMatch(
        new RegExp(
          `^${ACTIVITY[role]} failed after ${MODEL_CALL_MAX_ATTEMPTS} attempts: Anthropic API returned 500`,
        ),
      );
    });
  });

  it('a tool call whose activity keeps failing stops after the configured number of attempts, failing its step', async () => {
    const workflowId = `tool-cap-${Date.now()}`;
    // The tool-result store of this run cannot be opened: a file sits where its folder must be.
    mkdirSync(path.join(h.workspaceRoot, '.tool-results'), { recursive: true });
    writeFileSync(path.join(h.workspaceRoot, '.tool-results', workspaceDirName(workflowId)), 'in the way');
    const started = Date.now();
    const handle = await h.start(
      { goal: 'Tool infrastructure broken' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Step A' }]),
          executorRule('a', { toolCalls: [{ name: 'write_file', input: { path: 'x.md', content: 'x' } }] }),
          finishRule('gave up on a'),
        ],
      },
      workflowId,
    );
    // The step fails with the reason and the re-planner decides; the run itself does not fail.
    expect((await handle.result()).answer).toBe('gave up on a');
    const state = await handle.query(getStateQuery);
    expect(state.plan.steps.find((s) => s.id === 'a')).toMatchObject({ status: 'failed' });
    expect(state.plan.steps.find((s) => s.id === 'a')?.result).toMatch(
      new RegExp(
        `^Tool "write_file" failed for good: tool failed after ${TOOL_CALL_MAX_ATTEMPTS} attempts: `,
      ),
    );
    const replan = h.fake.requests.find((r) => r.rule === 'finish');
    expect(JSON.stringify(replan?.body)).toContain('failed for good');
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? [])
      .map((e) => e.activityTaskStartedEventAttributes?.attempt)
      .filter((a): a is number => typeof a === 'number');
    expect(Math.max(...attempts)).toBe(TOOL_CALL_MAX_ATTEMPTS);
    // The retries waited the tool policy's backoff; the model turn that asked for the tool ran once.
    const toolRetry = toolCallOptions.retry!;
    const toolBackoff = Array.from(
      { length: TOOL_CALL_MAX_ATTEMPTS - 1 },
      (_, i) => msToNumber(toolRetry.initialInterval!) * toolRetry.backoffCoefficient! ** i,
    ).reduce((a, b) => a + b, 0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(toolBackoff);
    expect(h.fake.requests.filter((r) => r.text.includes('Your step: a:'))).toHaveLength(1);
  });
});

/**
 * A step's fast executor turns in one local activity (executorTurns), on a real Temporal dev server: the
 * quick tool calls the run allows go in the same activity, a call a person must approve is handed back to the
 * run (which waits for the approval and makes the call as a regular activity), and the step goes on in a new
 * batch. Every turn reaches the model once, every tool call runs once, and history names what ran where.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import type { Scenario } from '../src/fake-model/scenario';
import { builtInTools, ToolBox, workspaceDirName } from '../src/tools';
import { createWorker } from '../src/worker/create-worker';
import { planAndExecute } from '../workflows';
import { approveCallSignal } from '../workflows/call-messages';
import { adviseSignal, getStateQuery } from '../workflows/messages';
import { RUN_WORKFLOW_TASK_TIMEOUT, TOOL_CALL_MAX_ATTEMPTS } from '../workflows/timeouts';
import { startHarness, type Harness } from './helpers/harness';
import { waitFor, waitForState } from './helpers/wait';
import { tools as ledgerTools } from './fixtures/tools/ledger-tools';

const TASK_QUEUE = `turns-${process.pid}`;
let h: Harness;
let tmp: string;
let tools: ToolBox;
let worker: { worker: Worker; running: Promise<void> };

beforeAll(async () => {
  h = await startHarness();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-turns-'));
  tools = new ToolBox(builtInTools().register(...ledgerTools));
  const created = await createWorker({
    connection: h.env.nativeConnection,
    namespace: 'default',
    config: { ...h.config, taskQueue: TASK_QUEUE, workspaceRoot: path.join(tmp, 'ws') },
    tools,
    ...h.workerBundle(),
  });
  worker = { worker: created, running: created.run() };
});
afterAll(async () => {
  worker?.worker.shutdown();
  await worker?.running;
  await h?.shutdown();
  await tools?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const step = (id: string, dependsOn: string[]) => ({
  id,
  title: `Step ${id}`,
  instructions: 'Count, then report',
  dependsOn,
});
const replan = (input: object) => ({
  match: { forcedTool: 'submit_replan' },
  reply: { toolCalls: [{ name: 'submit_replan', input }] },
});

/** A plan of s1 then s2, where s1 answers at once (its turn is the run's first: a regular activity). */
const s1ThenS2: Scenario['rules'] = [
  {
    match: { forcedTool: 'submit_plan' },
    reply: { toolCalls: [{ name: 'submit_plan', input: { steps: [step('s1', []), step('s2', ['s1'])] } }] },
  },
  { match: { contains: 'Your step: s1:' }, reply: { text: 'Nothing to do for s1.' } },
  replan({ action: 'continue', reason: 'go on', answer: '', remainingSteps: [step('s2', ['s1'])] }),
];

/**
 * s1 counts words and reports (its first turn is the run's first executor call: a regular activity). s2
 * counts words (word_count: read-only, allowed), then mails (send_mail: side-effecting, a person approves),
 * then reports.
 */
const scenario: Scenario = {
  rules: [
    {
      match: { forcedTool: 'submit_plan' },
      reply: { toolCalls: [{ name: 'submit_plan', input: { steps: [step('s1', []), step('s2', ['s1'])] } }] },
    },
    {
      match: { lastMessageContains: 'Your step: s1:' },
      reply: { toolCalls: [{ name: 'word_count', input: { text: 'one two' } }] },
    },
    { match: { contains: 'Your step: s1:' }, reply: { text: 'Counted for s1.' } },
    replan({ action: 'continue', reason: 'go on', answer: '', remainingSteps: [step('s2', ['s1'])] }),
    {
      name: 's2 turn 1',
      match: { lastMessageContains: 'Your step: s2:' },
      reply: { toolCalls: [{ name: 'word_count', input: { text: 'three four five' } }] },
    },
    {
      name: 's2 turn 2',
      match: { contains: 'Your step: s2:', lastMessageContains: '3 words' },
      reply: { toolCalls: [{ name: 'send_mail', input: { to: 'ann@example.com', text: 'Counted.' } }] },
    },
    { name: 's2 turn 3', match: { contains: 'Your step: s2:' }, reply: { text: 'Mailed Ann.' } },
    replan({ action: 'finish', reason: 'done', answer: 'counted and mailed', remainingSteps: [] }),
  ],
};

function summaryOf(event: temporal.api.history.v1.IHistoryEvent): string | undefined {
  const payload = event.userMetadata?.summary;
  return payload ? defaultPayloadConverter.fromPayload<string>(payload) : undefined;
}

it('runs quick allowed calls in the batch, hands a call that needs a person back, and repeats nothing', async () => {
  h.fake.setScenario(scenario);
  h.fake.clearRequests();
  const handle = await h.env.client.workflow.start(planAndExecute, {
    taskQueue: TASK_QUEUE,
    workflowId: `turns-${Date.now()}`,
    args: [{ goal: 'Count and mail' }],
    workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT,
  });
  const waiting = await waitForState(
    handle,
    'the mail to wait for approval',
    (s) => s.pendingCalls.length === 1,
  );
  // The batch made s2's first turn and its word_count, and its second turn; the mail waits for a person.
  expect(waiting.pendingCalls[0]).toMatchObject({ id: 's2.2.0', stepId: 's2', tool: 'send_mail' });
  await handle.signal(approveCallSignal, { callId: 's2.2.0', reason: 'fine' });
  const result = await handle.result();
  expect(result).toMatchObject({ endReason: 'answered', answer: 'counted and mailed', stepsExecuted: 2 });

  const events = (await handle.fetchHistory()).events ?? [];
  const local = events
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
    .map((e) => summaryOf(e));
  const regular = events
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => `${e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''}: ${summaryOf(e) ?? ''}`);
  expect(local).toEqual(expect.arrayContaining(['execute s2, from turn 1', 'execute s2, from turn 3']));
  // The second re-plan was asked ahead, in the same local activity as s2's last turn.
  expect(regular.filter((r) => r.startsWith('replanner'))).toEqual(['replanner: re-plan 1']);
  expect(local).not.toContain('re-plan 2');
  expect(h.fake.requests.filter((r) => r.forcedTool === 'submit_replan')).toHaveLength(2);
  // The call a person approved ran on its own, as a regular activity; word_count never did for s2.
  expect(regular).toContain('tool: send_mail for s2');
  expect(regular).not.toContain('tool: word_count for s2');

  // Each of s2's turns reached the model once, and each tool ran once.
  const s2Turns = h.fake.requests.filter((r) => r.rule?.startsWith('s2 turn')).map((r) => r.rule);
  expect(s2Turns).toEqual(['s2 turn 1', 's2 turn 2', 's2 turn 3']);
  const calls = readFileSync(path.join(tmp, 'ws', workspaceDirName(handle.workflowId), 'calls.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ').slice(0, 3).join(' '));
  expect(calls).toEqual([
    expect.stringMatching(/^word_count 1 .*\/step-s1\/turn-1\/call-0$/),
    expect.stringMatching(/^word_count 1 .*\/step-s2\/turn-1\/call-0$/),
    expect.stringMatching(/^send_mail 1 .*\/step-s2\/turn-2\/call-0$/),
  ]);
  // The run's own record is as turn by turn: every turn counted, every call in its events.
  const state = await handle.query(getStateQuery);
  expect(state.usage.find((u) => u.role === 'executor')?.calls).toBe(5);
  expect(
    state.events
      .filter((e) => e.kind === 'tool_call' && e.stepId === 's2')
      .map((e) => e.message.split(':')[0]),
  ).toEqual(['word_count ran', 'send_mail ran']);
  expect(state.plan.steps.map((s) => [s.id, s.status, s.turns, s.result])).toEqual([
    ['s1', 'done', 2, 'Counted for s1.'],
    ['s2', 'done', 3, 'Mailed Ann.'],
  ]);
  // Each turn saw what the one before it did.
  expect(h.fake.requests.find((r) => r.rule === 's2 turn 2')?.lastMessageText).toContain('3 words');
  expect(h.fake.requests.find((r) => r.rule === 's2 turn 3')?.lastMessageText).toContain('ann@example.com');
});

it('retries a tool call that failed inside the batch as a regular activity, counting the batch attempt', async () => {
  const workflowId = `turns-broken-${Date.now()}`;
  // The tool-result store of this run cannot be opened (a file sits where its folder must be): every
  // attempt of a tool call fails, in the batch as in a regular activity.
  const stores = path.join(tmp, 'ws', '.tool-results');
  mkdirSync(stores, { recursive: true });
  writeFileSync(path.join(stores, workspaceDirName(workflowId)), 'in the way');
  h.fake.setScenario({
    rules: [
      ...s1ThenS2,
      {
        match: { contains: 'Your step: s2:' },
        reply: { toolCalls: [{ name: 'word_count', input: { text: 'one two' } }] },
      },
      replan({ action: 'finish', reason: 'gave up on s2', answer: 'not counted', remainingSteps: [] }),
    ],
  });
  h.fake.clearRequests();
  const handle = await h.env.client.workflow.start(planAndExecute, {
    taskQueue: TASK_QUEUE,
    workflowId,
    args: [{ goal: 'Count, whatever it takes' }],
    workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT,
  });
  expect(await handle.result()).toMatchObject({ endReason: 'answered', answer: 'not counted' });

  const events = (await handle.fetchHistory()).events ?? [];
  // s2's turn went in a local activity, whose word_count failed; the call went on as a regular activity
  // with one attempt fewer than a call's three, and failed both.
  expect(
    events
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
      .map((e) => summaryOf(e)),
  ).toContain('execute s2, from turn 1');
  const scheduled = events.filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'tool',
  );
  expect(scheduled.map((e) => summaryOf(e))).toEqual(['word_count for s2']);
  expect(scheduled[0]?.activityTaskScheduledEventAttributes?.retryPolicy?.maximumAttempts).toBe(
    TOOL_CALL_MAX_ATTEMPTS - 1,
  );
  const attempts = events
    .map((e) => e.activityTaskStartedEventAttributes?.attempt)
    .filter((a): a is number => typeof a === 'number');
  expect(Math.max(...attempts)).toBe(TOOL_CALL_MAX_ATTEMPTS - 1);
  // The step failed with the call's three attempts, for the re-planner; the turn was not made again.
  const state = await handle.query(getStateQuery);
  expect(state.plan.steps.find((st) => st.id === 's2')?.result).toMatch(
    new RegExp(`^Tool "word_count" failed for good: tool failed after ${TOOL_CALL_MAX_ATTEMPTS} attempts: `),
  );
  expect(h.fake.requests.filter((r) => r.text.includes('Your step: s2:'))).toHaveLength(1);
});

it('asks the re-plan again when a note arrived while the step ran: the answer made ahead is not used', async () => {
  const note = 'NOTE-4711: prefer short answers';
  h.fake.setScenario({
    rules: [
      ...s1ThenS2,
      // Three fast turns (350 ms each, under the 500 ms that keeps a lane local): longer than the workflow
      // task heartbeat of this run (80% of its 1 s task timeout), which lets the note in during the batch.
      {
        name: 's2 turn 1',
        delayMs: 350,
        match: { lastMessageContains: 'Your step: s2:' },
        reply: { toolCalls: [{ name: 'word_count', input: { text: 'a b' } }] },
      },
      {
        name: 's2 turn 2',
        delayMs: 350,
        match: { contains: 'Your step: s2:', lastMessageContains: '2 words' },
        reply: { toolCalls: [{ name: 'word_count', input: { text: 'a b c' } }] },
      },
      { name: 's2 turn 3', delayMs: 350, match: { contains: 'Your step: s2:' }, reply: { text: 'Counted.' } },
      // The re-plan that sees the note answers differently from the one asked ahead, without it.
      {
        ...replan({ action: 'finish', reason: 'noted', answer: 'fresh', remainingSteps: [] }),
        name: 'replan with the note',
        match: { forcedTool: 'submit_replan', contains: 'NOTE-4711' },
      },
      {
        ...replan({ action: 'finish', reason: 'stale', answer: 'stale', remainingSteps: [] }),
        name: 'replan ahead',
      },
    ],
  });
  h.fake.clearRequests();
  const handle = await h.env.client.workflow.start(planAndExecute, {
    taskQueue: TASK_QUEUE,
    workflowId: `turns-note-${Date.now()}`,
    args: [{ goal: 'Count, and listen' }],
    workflowTaskTimeout: '1 second',
  });
  await waitFor('s2 turn 1 in flight', () => h.fake.requests.find((r) => r.rule === 's2 turn 1'));
  await handle.signal(adviseSignal, { note });

  const result = await handle.result();
  expect(result).toMatchObject({ endReason: 'answered', answer: 'fresh' });
  // The re-plan was asked ahead, in s2's local activity, without the note; then again, with it.
  const replans = h.fake.requests.filter((r) => r.forcedTool === 'submit_replan').map((r) => r.rule);
  expect(replans).toEqual([expect.any(String), 'replan ahead', 'replan with the note']);
  const state = await handle.query(getStateQuery);
  expect(state.events.map((e) => e.kind)).toContain('replan_ahead_unused');
  // Both calls were made, and both are counted.
  expect(state.usage.find((u) => u.role === 'replanner')?.calls).toBe(3);
});

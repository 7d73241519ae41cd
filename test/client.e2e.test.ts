/**
 * The client library (src/client) as a script uses it, against a real dev server and worker with the fake
 * model: a whole run steered through the API, the typed errors, and every reply checked against the
 * published reply schemas (docs/contract).
 */
import {
  CommandRejectedError,
  InvalidInputError,
  PlanRuns,
  RunCancelledError,
  RunEndedError,
  RunFailedError,
  RunNotFoundError,
  type RunChange,
} from '../src/client';
import {
  ControlAckSchema,
  PlanViewSchema,
  RunResultSchema,
  RunStateSchema,
} from '../src/client/contract/replies';
import { startHarness, type Harness } from './helpers/harness';
import { executorRule, finishRule, planRule } from './helpers/scenarios';
import { sleep } from './helpers/wait';

let h: Harness;
let runs: PlanRuns;
beforeAll(async () => {
  h = await startHarness();
  runs = new PlanRuns({ client: h.env.client, taskQueue: h.taskQueue });
});
afterAll(async () => {
  await h?.shutdown();
});

async function collect(changes: AsyncIterable<RunChange>): Promise<RunChange[]> {
  const all: RunChange[] = [];
  for await (const change of changes) all.push(change);
  return all;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to be refused');
}

it('drives a whole run: start with approval, typed refusals, edit, advise, pause, approve, answer, resume, result', async () => {
  h.fake.setScenario({
    rules: [
      planRule([{ id: 'a', title: 'Ask' }]),
      executorRule('a', { toolCalls: [{ name: 'ask_human', input: { question: 'Which colour?' } }] }),
      executorRule('a', { text: 'Chose green' }),
      finishRule('too early', 'finish-1'),
      executorRule('c', { text: 'Checked' }),
      finishRule('Green, and checked.', 'finish-2'),
    ],
  });
  h.fake.clearRequests();
  const run = await runs.start('Pick a colour', { requireApproval: true, maxSteps: 5 });
  const watching = collect(run.watch({ intervalMs: 100 }));

  for await (const change of run.watch({ intervalMs: 100 })) {
    if (change.type === 'status' && change.to === 'awaiting_approval') break;
  }
  expect(PlanViewSchema.parse(await run.plan())).toMatchObject({ version: 1, status: 'awaiting_approval' });

  // Refused by the run, each with its rule and step; the plan stays at v1.
  const unknown = await rejection(run.edit([{ op: 'remove', id: 'ghost' }]));
  expect(unknown).toBeInstanceOf(CommandRejectedError);
  expect(unknown).toMatchObject({ command: 'editPlan', rule: 'unknown_step', stepId: 'ghost', editIndex: 1 });
  expect((unknown as Error).message).toBe('editPlan rejected: edit 1: unknown step id "ghost"');
  expect(await rejection(run.resume())).toMatchObject({ rule: 'not_paused' });
  expect(await rejection(run.answer('too soon'))).toMatchObject({ rule: 'no_question' });
  // Refused by the client, before anything is sent.
  const empty = await rejection(run.edit([]));
  expect(empty).toBeInstanceOf(InvalidInputError);
  expect((empty as Error).message).toBe(
    'Invalid editPlan payload: ops: Too small: expected array to have >=1 items',
  );
  expect((await run.state()).plan.version).toBe(1);

  const edited = await run.edit(
    [{ op: 'add', step: { id: 'c', title: 'Check', instructions: 'Check it', dependsOn: ['a'] } }],
    { reason: 'a check is needed' },
  );
  expect(ControlAckSchema.parse(edited)).toEqual({
    planVersion: 2,
    status: 'awaiting_approval',
    message: 'plan is now version 2',
  });
  expect(await run.advise('Be brief.')).toMatchObject({ planVersion: 2, message: 'noted' });
  expect(await run.pause({ reason: 'not yet' })).toMatchObject({ status: 'paused' });
  expect(await run.approve()).toMatchObject({ planVersion: 2, status: 'paused', message: 'approved' });
  // Paused: approved, but no model call starts.
  await sleep(1_500);
  expect(h.fake.requests.filter((r) => r.rule?.startsWith('exec-'))).toHaveLength(0);
  expect(await run.resume()).toMatchObject({ status: 'executing', message: 'resumed' });

  for await (const change of run.watch({ intervalMs: 100 })) {
    if (change.type === 'status' && change.to === 'waiting_for_human') break;
  }
  expect((await run.state()).pendingQuestion).toMatchObject({ id: 'q1', question: 'Which colour?' });
  expect(await run.answer('Green', { questionId: 'q1' })).toMatchObject({ message: 'answered q1' });

  const result = RunResultSchema.parse(await run.result());
  expect(result).toMatchObject({ endReason: 'answered', answer: 'Green, and checked.', stepsExecuted: 2 });
  expect(result.plan.steps.map((s) => [s.id, s.status])).toEqual([
    ['a', 'done'],
    ['c', 'done'],
  ]);
  const state = RunStateSchema.parse(await run.state());
  expect(state.status).toBe('completed');
  expect(h.fake.requests.find((r) => r.text.includes('Your step: c:'))?.text).toContain('Be brief.');
  expect(h.fake.requests.find((r) => r.lastMessageText.includes('A person answered: Green'))).toBeDefined();

  // The watch saw it all, in order, and ended with the close.
  const changes = await watching;
  // Statuses are sampled (a poll may fall between two changes); the event log is complete.
  const statuses = changes.flatMap((c) => (c.type === 'status' ? [c.to] : []));
  expect(statuses.at(-1)).toBe('completed');
  const kinds = changes.flatMap((c) => (c.type === 'event' ? [c.event.kind] : []));
  expect(
    kinds.filter((k) =>
      ['planned', 'plan_edited', 'paused', 'approved', 'resumed', 'run_completed'].includes(k),
    ),
  ).toEqual(['planned', 'plan_edited', 'paused', 'approved', 'resumed', 'run_completed']);
  expect(new Set(changes.flatMap((c) => (c.type === 'event' ? [c.event.seq] : []))).size).toBe(kinds.length);
  expect(changes.at(-1)).toMatchObject({ type: 'closed', execution: 'COMPLETED' });

  // An ended run takes no more commands.
  const late = await rejection(run.approve());
  expect(late).toBeInstanceOf(RunEndedError);
  expect(await rejection(run.pause())).toBeInstanceOf(RunEndedError);
});

it('cancel waits for the run to close in Canceled and reports the final state; result() says it was cancelled', async () => {
  h.fake.setScenario({
    rules: [
      planRule([{ id: 'a', title: 'Slow' }]),
      executorRule('a', { text: 'never' }, { delayMs: 60_000 }),
    ],
  });
  const run = await runs.start('Take forever');
  for await (const change of run.watch({ intervalMs: 100 })) {
    if (change.type === 'event' && change.event.kind === 'step_started') break;
  }
  const outcome = await run.cancel({ reason: 'no time' });
  expect(outcome.ack).toMatchObject({ message: 'cancelling', planVersion: 1 });
  expect(outcome.execution).toBe('CANCELLED');
  expect(outcome.state).toMatchObject({ status: 'cancelled', endReason: 'cancelled' });
  expect(outcome.state?.endMessage).toContain('Cancelled by a person: no time.');
  expect((await run.describe()).execution).toBe('CANCELLED');

  const cancelled = await rejection(run.result());
  expect(cancelled).toBeInstanceOf(RunCancelledError);
  expect((cancelled as RunCancelledError).state?.status).toBe('cancelled');
  expect((cancelled as Error).message).toContain('was cancelled: Cancelled by a person: no time.');
});

it('typed errors: bad input (nothing started), a run that does not exist, a run that failed', async () => {
  const before = await h.env.client.workflow.count();
  const bad = await rejection(runs.start('', { maxStep: 3, parallel: 2 } as never));
  expect(bad).toBeInstanceOf(InvalidInputError);
  expect((bad as InvalidInputError).problems).toEqual([
    'goal: must not be empty',
    'options.maxStep: unknown key; did you mean "maxSteps"?',
    expect.stringMatching(
      /^options\.parallel: unknown key \(known keys here: plannerModel, .*maxParallelSteps, .*\)$/,
    ),
  ]);
  expect((await h.env.client.workflow.count()).count).toBe(before.count);

  expect(await rejection(runs.get('no-such-run').state())).toBeInstanceOf(RunNotFoundError);
  expect(await rejection(runs.get('no-such-run').approve())).toBeInstanceOf(RunNotFoundError);

  h.fake.setScenario({ rules: [{ name: 'refused', error: { status: 401, message: 'bad key' } }] });
  const run = await runs.start('Fail at once');
  const failed = await rejection(run.result());
  expect(failed).toBeInstanceOf(RunFailedError);
  expect(failed).toMatchObject({ execution: 'FAILED', failureType: 'RunFailed' });
  expect((failed as RunFailedError).state?.status).toBe('failed');
  expect((failed as Error).message).toContain('401');
});

/**
 * The suite every control path runs (test/controls-*.e2e.test.ts, one file per path so they run side by
 * side): every control a person has, sent by that path (an Update from a client, a Signal through the
 * official `temporal workflow signal`, or `npm run agent`), and every documented refusal by that path.
 * Effects are checked by query and at the fake model server, not by the wording of replies.
 */
import { planAndExecute } from '../../workflows';
import {
  approveUpdate,
  getStateQuery,
  pauseUpdate,
  rejectUpdate,
  resumeUpdate,
} from '../../workflows/messages';
import type { RunState } from '../../workflows/state';
import { createWorker } from '../../src/worker/create-worker';
import { sendControl, signalOnly, type ControlOutcome, type ControlPath } from './control-paths';
import { startHarness, type Harness } from './harness';
import { continueRule, executorRule, finishRule, planRule } from './scenarios';
import { sleep, waitFor, waitForState } from './wait';
import type { WorkflowHandle } from '@temporalio/client';

let h: Harness;

const target = (handle: WorkflowHandle) => ({ handle, address: h.env.address, taskQueue: h.taskQueue });
const executorRequestsFor = (id: string) =>
  h.fake.requests.filter((r) => r.text.includes(`Your step: ${id}:`));
const state = (handle: WorkflowHandle): Promise<RunState> => handle.query(getStateQuery);

/** A run waiting for approval of plan v1 (a, then b after a). */
async function awaitingApproval() {
  const handle = await h.start(
    { goal: 'Wait for a person', options: { requireApproval: true } },
    {
      rules: [
        planRule([
          { id: 'a', title: 'Step A', instructions: 'original A' },
          { id: 'b', title: 'Step B', dependsOn: ['a'] },
        ]),
        executorRule('a', { text: 'A done' }),
        executorRule('b', { text: 'B done' }),
        finishRule('all done'),
      ],
    },
  );
  await waitForState(handle, 'awaiting approval', (s) => s.status === 'awaiting_approval');
  return handle;
}

/** A run executing step a (its model turn in flight for `inFlightMs`); b follows after a re-plan. */
async function executing(inFlightMs: number) {
  const handle = await h.start(
    { goal: 'Keep going' },
    {
      rules: [
        planRule([
          { id: 'a', title: 'Step A' },
          { id: 'b', title: 'Step B', dependsOn: ['a'] },
        ]),
        executorRule('a', { text: 'A done' }, { delayMs: inFlightMs }),
        continueRule([{ id: 'b', title: 'Step B', dependsOn: ['a'] }], 'b next'),
        executorRule('b', { text: 'B done' }),
        finishRule('all done'),
      ],
    },
  );
  await waitFor('step a in flight', () => executorRequestsFor('a')[0]);
  return handle;
}

/** A run whose step a asked "Which colour?" and waits for the answer. */
async function asking() {
  const handle = await h.start(
    { goal: 'Ask a person' },
    {
      rules: [
        planRule([{ id: 'a', title: 'Pick a colour' }]),
        executorRule('a', { toolCalls: [{ name: 'ask_human', input: { question: 'Which colour?' } }] }),
        executorRule(
          'a',
          { text: 'Chose as told' },
          { match: { contains: 'Your step: a:', lastMessageContains: 'A person answered' } },
        ),
        finishRule('colour picked'),
      ],
    },
  );
  await waitForState(handle, 'a question', (s) => s.status === 'waiting_for_human');
  return handle;
}

export function controlSuite(via: ControlPath): void {
  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    // Runs a test left waiting are ended, so they cannot touch the next test's counts.
    await h.endStartedRuns();
  });
  afterAll(async () => {
    await h?.shutdown();
  });
  /** Long enough for the control to arrive while the call is in flight (the CLI starts a process first). */
  const inFlightMs = via === 'cli' ? 4_000 : 1_000;
  describe('accepted', () => {
    it('editPlan changes the plan as a person, and pins the step', async () => {
      const handle = await awaitingApproval();
      const sent = await sendControl(via, target(handle), 'editPlan', {
        ops: [{ op: 'add', step: { id: 'x', title: 'Step X', instructions: 'do x', dependsOn: ['a'] } }],
        reason: `edited by ${via}`,
      });
      expect(sent.accepted).toBe(true);
      const s = await state(handle);
      expect(s.plan.version).toBe(2);
      expect(s.plan.steps.map((st) => st.id)).toEqual(['a', 'b', 'x']);
      expect(s.plan.revisions[1]).toMatchObject({
        author: 'human',
        reason: `edited by ${via}`,
        added: ['x'],
      });
      expect(s.pinnedStepIds).toEqual(['x']);
    });

    it('approve, with an edit, lets the run execute the edited plan', async () => {
      const handle = await awaitingApproval();
      const sent = await sendControl(via, target(handle), 'approve', {
        ops: [{ op: 'update', id: 'a', instructions: `EDITED by ${via}` }],
        reason: 'looks right',
      });
      expect(sent).toMatchObject({ accepted: true });
      if (sent.planVersion !== undefined) expect(sent.planVersion).toBe(2);
      expect((await handle.result()).answer).toBe('all done');
      expect(executorRequestsFor('a')[0]?.text).toContain(`EDITED by ${via}`);
      expect((await state(handle)).events.map((e) => e.kind)).toContain('approved');
    });

    it('reject ends the run with the reason, and nothing executes', async () => {
      const handle = await awaitingApproval();
      expect((await sendControl(via, target(handle), 'reject', { reason: `no, says ${via}` })).accepted).toBe(
        true,
      );
      const result = await handle.result();
      expect(result.endReason).toBe('rejected');
      expect(result.message).toContain(`no, says ${via}`);
      expect(executorRequestsFor('a')).toHaveLength(0);
    });

    it('pause lets the call in flight finish and starts nothing new', async () => {
      const handle = await executing(inFlightMs);
      expect((await sendControl(via, target(handle), 'pause', { reason: 'hold' })).accepted).toBe(true);
      await waitForState(handle, 'step a done', (s) => s.plan.steps[0]?.status === 'done');
      const seen = h.fake.requests.length;
      await sleep(1_000);
      expect(h.fake.requests).toHaveLength(seen);
      expect((await state(handle)).status).toBe('paused');
      await handle.executeUpdate(resumeUpdate, { args: [{}] });
      expect((await handle.result()).answer).toBe('all done');
    });

    it('resume lets a paused run go on to the end', async () => {
      const handle = await executing(1_000); // paused by update at once: no need to wait for the CLI
      await handle.executeUpdate(pauseUpdate, { args: [{}] });
      await waitForState(handle, 'step a done', (s) => s.plan.steps[0]?.status === 'done');
      expect((await sendControl(via, target(handle), 'resume', {})).accepted).toBe(true);
      expect((await handle.result()).answer).toBe('all done');
    });

    it('cancel ends the run as cancelled with the reason, keeping what was done', async () => {
      const handle = await h.start(
        { goal: 'Cancel me' },
        {
          rules: [
            planRule([
              { id: 'a', title: 'Step A' },
              { id: 'b', title: 'Step B', dependsOn: ['a'] },
            ]),
            executorRule('a', { text: 'A done' }),
            continueRule([{ id: 'b', title: 'Step B', dependsOn: ['a'] }], 'b next'),
            executorRule('b', { text: 'never' }, { delayMs: 60_000 }),
          ],
        },
      );
      await waitForState(handle, 'step b running', (s) => s.runningStepIds.includes('b'));
      const sent = await sendControl(via, target(handle), 'cancel', { reason: `stop, says ${via}` });
      expect(sent.accepted).toBe(true);
      // How the execution closes (completed or Cancelled) is Temporal's business; the run's state says cancelled.
      await handle.result().catch(() => undefined);
      const s = await state(handle);
      expect(s).toMatchObject({ status: 'cancelled', endReason: 'cancelled' });
      expect(s.endMessage).toContain(`stop, says ${via}`);
      expect(s.plan.steps.map((st) => [st.id, st.status])).toEqual([
        ['a', 'done'],
        ['b', 'failed'],
      ]);
    });

    it('advise: the note reaches the executor', async () => {
      const handle = await awaitingApproval();
      expect((await sendControl(via, target(handle), 'advise', { note: `Advice by ${via}.` })).accepted).toBe(
        true,
      );
      expect((await state(handle)).advice.map((a) => a.note)).toEqual([`Advice by ${via}.`]);
      await handle.executeUpdate(approveUpdate, { args: [{}] });
      await handle.result();
      expect(executorRequestsFor('a')[0]?.text).toContain(`Advice by ${via}.`);
    });

    it('answer: the answer reaches the executor', async () => {
      const handle = await asking();
      expect(
        (await sendControl(via, target(handle), 'answer', { answer: `Blue, says ${via}` })).accepted,
      ).toBe(true);
      expect((await handle.result()).answer).toBe('colour picked');
      expect(executorRequestsFor('a')[1]?.lastMessageText).toContain(`A person answered: Blue, says ${via}`);
    });
  });

  describe('refused, each with its reason, changing nothing', () => {
    it('editPlan before there is a plan', async () => {
      const handle = await h.start(
        { goal: 'Plan slowly' },
        {
          rules: [
            { ...planRule([{ id: 'a', title: 'Step A' }]), delayMs: inFlightMs + 1_000 },
            executorRule('a', { text: 'A done' }),
            finishRule('done'),
          ],
        },
      );
      await waitFor('the planner call in flight', () => h.fake.requests[0]);
      const sent = await sendControl(via, target(handle), 'editPlan', { ops: [{ op: 'remove', id: 'a' }] });
      expect(sent).toEqual({ accepted: false, message: expect.stringContaining('there is no plan yet') });
      const s = await state(handle);
      expect(s.plan.version).toBe(0);
      expect(s.events.map((e) => e.kind)).not.toContain('plan_edited');
    });

    it('editPlan that breaks a plan rule', async () => {
      const handle = await awaitingApproval();
      const sent = await sendControl(via, target(handle), 'editPlan', { ops: [{ op: 'remove', id: 'a' }] });
      expect(sent).toEqual({
        accepted: false,
        message: expect.stringContaining('cannot remove step "a": pending step(s) "b" depend on it'),
      });
      expect((await state(handle)).plan.version).toBe(1);
    });

    it.each(['approve', 'reject'] as const)('%s when the run is not waiting for approval', async (name) => {
      const handle = await executing(inFlightMs);
      const sent = await sendControl(via, target(handle), name, { reason: 'now' });
      expect(sent).toEqual({
        accepted: false,
        message: expect.stringContaining('the run is not waiting for approval (status: executing)'),
      });
      expect((await state(handle)).events.map((e) => e.kind)).not.toContain(
        name === 'approve' ? 'approved' : 'rejected',
      );
    });

    it('pause when the run is already paused', async () => {
      const handle = await awaitingApproval();
      await handle.executeUpdate(pauseUpdate, { args: [{}] });
      const sent = await sendControl(via, target(handle), 'pause', {});
      expect(sent).toEqual({
        accepted: false,
        message: expect.stringContaining('the run is already paused'),
      });
      expect((await state(handle)).status).toBe('paused');
    });

    it('resume when the run is not paused', async () => {
      const handle = await awaitingApproval();
      const sent = await sendControl(via, target(handle), 'resume', {});
      expect(sent).toEqual({ accepted: false, message: expect.stringContaining('the run is not paused') });
      expect((await state(handle)).status).toBe('awaiting_approval');
    });

    it('answer when no question is waiting', async () => {
      const handle = await awaitingApproval();
      const sent = await sendControl(via, target(handle), 'answer', { answer: 'Blue' });
      expect(sent).toEqual({
        accepted: false,
        message: expect.stringContaining('no question is waiting for an answer'),
      });
    });

    it('answer to a question that is not the one waiting', async () => {
      const handle = await asking();
      const sent = await sendControl(via, target(handle), 'answer', { answer: 'Blue', questionId: 'q9' });
      expect(sent).toEqual({
        accepted: false,
        message: expect.stringContaining('question "q9" is not waiting; waiting: q1'),
      });
      expect((await state(handle)).pendingQuestion?.id).toBe('q1');
    });

    it('a payload that is not valid', async () => {
      const handle = await awaitingApproval();
      const sent = await sendControl(via, target(handle), 'advise', { note: '   ' });
      expect(sent).toEqual({
        accepted: false,
        message: expect.stringMatching(/invalid advise payload: note:/i),
      });
      expect((await state(handle)).advice).toEqual([]);
    });

    it('any control after the run has ended', async () => {
      const handle = await awaitingApproval();
      await handle.executeUpdate(rejectUpdate, { args: [{ reason: 'over' }] });
      await handle.result();
      const sent = await sendControl(via, target(handle), 'pause', {});
      expect(sent.accepted).toBe(false);
      expect(sent.message).toMatch(/already completed|has already ended/);
    });

    it('cancel when the run is already being cancelled', async () => {
      // No worker polls this queue yet: both cancels wait in history and reach the run in one activation.
      const taskQueue = `late-${via}-${Date.now()}`;
      const handle = await h.env.client.workflow.start(planAndExecute, {
        taskQueue,
        workflowId: `cancel-twice-${via}-${Date.now()}`,
        args: [{ goal: 'Cancelled twice' }],
      });
      const late = { handle, address: h.env.address, taskQueue };
      const both =
        via === 'signal'
          ? Promise.all([1, 2].map((n) => signalOnly(late, 'cancel', { reason: `cancel ${n}` })))
          : Promise.all([1, 2].map((n) => sendControl(via, late, 'cancel', { reason: `cancel ${n}` })));
      // Updates wait for a worker to take them; give both time to reach the server first.
      await (via === 'signal' ? both : sleep(via === 'cli' ? 6_000 : 1_000));
      const worker = await createWorker({
        connection: h.env.nativeConnection,
        namespace: 'default',
        config: { ...h.config, taskQueue },
        workflowBundle: { codePath: process.env.PE_WORKFLOW_BUNDLE! },
      });
      await worker.runUntil(async () => {
        const sent = await both;
        const s = await waitForState(handle, 'cancelled', (st) => st.status === 'cancelled');
        const refusal = 'the run is already being cancelled';
        if (via === 'signal') {
          expect(s.events.filter((e) => e.kind === 'signal_rejected').map((e) => e.message)).toEqual([
            `cancel signal rejected: ${refusal}`,
          ]);
        } else {
          const outcomes = sent as ControlOutcome[];
          expect(outcomes.filter((o) => o.accepted)).toHaveLength(1);
          expect(outcomes.filter((o) => !o.accepted)).toEqual([
            { accepted: false, message: expect.stringContaining(refusal) },
          ]);
        }
        expect(s.events.filter((e) => e.kind === 'cancel_requested')).toHaveLength(1);
        expect(s.endReason).toBe('cancelled');
      });
    });
  });
}

/**
 * People steering runs on a real Temporal dev server: approval, plan edits (update and signal), pinned
 * edits, pause/resume, cancel, advice, and questions from the executor.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CancelledFailure, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  adviseUpdate,
  answerUpdate,
  approveUpdate,
  cancelUpdate,
  editPlanUpdate,
  getPlanQuery,
  getStateQuery,
  pauseUpdate,
  rejectUpdate,
  resumeUpdate,
  type EditPlanPayload,
} from '../workflows/messages';
import { startHarness, type Harness } from './helpers/harness';
import { recordHistory } from './helpers/histories';
import { continueRule, executorRule, finishRule, planRule } from './helpers/scenarios';
import { sleep, waitFor, waitForState } from './helpers/wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

const executorRequestsFor = (id: string) =>
  h.fake.requests.filter((r) => r.text.includes(`Your step: ${id}:`));

/** The message a rejected update carries back to the caller. */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return err.cause?.message ?? err.message;
    throw err;
  }
  throw new Error('expected the update to be rejected');
}

describe('approval gate', () => {
  it('waits after planning; advice and edits sent with approve reach the executor', async () => {
    const handle = await h.start(
      { goal: 'Needs a look first', options: { requireApproval: true } },
      {
        rules: [
          planRule([{ id: 'a', title: 'Step A', instructions: 'original instructions' }]),
          executorRule('a', { text: 'A done' }),
          finishRule('approved and done'),
        ],
      },
    );
    const waiting = await waitForState(handle, 'awaiting_approval', (s) => s.status === 'awaiting_approval');
    expect(waiting.plan.version).toBe(1);
    await sleep(500);
    expect(h.fake.requests).toHaveLength(1); // the planner only: nothing runs before approval

    await handle.executeUpdate(adviseUpdate, { args: [{ note: 'Keep the summary under ten words.' }] });
    const ack = await handle.executeUpdate(approveUpdate, {
      args: [
        {
          ops: [{ op: 'update', id: 'a', instructions: 'EDITED: do A carefully' }],
          reason: 'tighter wording',
        },
      ],
    });
    expect(ack).toMatchObject({ planVersion: 2, message: 'approved' });

    const result = await handle.result();
    await recordHistory(handle, 'approved', h.env.address);
    expect(result.answer).toBe('approved and done');
    const [request] = executorRequestsFor('a');
    expect(request?.text).toContain('EDITED: do A carefully');
    expect(request?.text).not.toContain('original instructions');
    expect(request?.text).toContain('Keep the summary under ten words.');
    expect(h.fake.requests.find((r) => r.forcedTool === 'submit_replan')?.text).toContain(
      'Keep the summary under ten words.',
    );
    expect(result.plan.revisions.map((r) => [r.version, r.author, r.reason])).toEqual([
      [1, 'planner', 'initial plan'],
      [2, 'human', 'tighter wording'],
    ]);
  });

  it('reject ends the run with the reason, and nothing executes', async () => {
    const handle = await h.start(
      { goal: 'Will be rejected', options: { requireApproval: true } },
      { rules: [planRule([{ id: 'a', title: 'Step A' }])] },
    );
    await waitForState(handle, 'awaiting_approval', (s) => s.status === 'awaiting_approval');
    await handle.executeUpdate(rejectUpdate, { args: [{ reason: 'wrong approach' }] });
    const result = await handle.result();
    expect(result.endReason).toBe('rejected');
    expect(result.message).toBe('Rejected by a person: wrong approach');
    expect(executorRequestsFor('a')).toHaveLength(0);
  });

  it.each([
    ['reject', 'rejected'],
    ['approve', 'answered'],
  ] as const)(
    'an approval timeout with onApprovalTimeout "%s" ends as %s',
    async (onApprovalTimeout, endReason) => {
      const handle = await h.start(
        {
          goal: 'Nobody answers',
          options: { requireApproval: true, approvalTimeoutSeconds: 1, onApprovalTimeout },
        },
        {
          rules: [
            planRule([{ id: 'a', title: 'Step A' }]),
            executorRule('a', { text: 'A done' }),
            finishRule('went ahead'),
          ],
        },
      );
      const result = await handle.result();
      expect(result.endReason).toBe(endReason);
      expect(executorRequestsFor('a')).toHaveLength(endReason === 'answered' ? 1 : 0);
    },
  );
});

describe('plan edits while the run goes on', () => {
  it('runs an added step, never runs a removed one, sends changed instructions, and keeps edits the re-planner drops', async () => {
    const handle = await h.start(
      { goal: 'Edit me mid-run' },
      {
        rules: [
          planRule([
            { id: 'a', title: 'Step A' },
            { id: 'b', title: 'Step B', instructions: 'original B', dependsOn: ['a'] },
            { id: 'c', title: 'Step C', dependsOn: ['b'] },
          ]),
          executorRule('a', { text: 'A done' }, { delayMs: 2_000 }),
          // The re-planner knows nothing of the edits: it rewrites b, drops x and brings c back.
          continueRule(
            [
              { id: 'b', title: 'Step B', instructions: 'original B', dependsOn: ['a'] },
              { id: 'c', title: 'Step C', dependsOn: ['b'] },
            ],
            'carry on',
          ),
          executorRule('b', { text: 'B done' }),
          finishRule('too early', 'finish-1'),
          executorRule('x', { text: 'X done' }),
          finishRule('all done', 'finish-2'),
        ],
      },
    );
    await waitForState(handle, 'step a running', (s) => s.runningStepIds.includes('a'));
    const ack = await handle.executeUpdate(editPlanUpdate, {
      args: [
        {
          reason: 'a person knows better',
          ops: [
            {
              op: 'add',
              after: 'a',
              step: { id: 'x', title: 'Step X', instructions: 'X-INSTRUCTIONS', dependsOn: ['a'] },
            },
            { op: 'update', id: 'b', instructions: 'B-EDITED' },
            { op: 'remove', id: 'c' },
          ],
        },
      ],
    });
    expect(ack.planVersion).toBe(2);

    const bad: [EditPlanPayload, string][] = [
      [{ ops: [{ op: 'update', id: 'a', title: 'new' }] }, 'cannot change step "a": it is running'],
      [{ ops: [{ op: 'remove', id: 'ghost' }] }, 'unknown step id "ghost"'],
      [
        {
          ops: [
            { op: 'setDependsOn', id: 'b', dependsOn: ['x'] },
            { op: 'setDependsOn', id: 'x', dependsOn: ['b'] },
          ],
        },
        'dependency cycle',
      ],
      [
        { ops: [{ op: 'add', step: { id: 'big', title: 'Big', instructions: 'y'.repeat(5_000) } }] },
        'ops.0.step.instructions: Too big',
      ],
    ];
    for (const [payload, message] of bad) {
      expect(await rejection(handle.executeUpdate(editPlanUpdate, { args: [payload] }))).toContain(message);
    }
    // Approving a run that is not waiting for approval is refused with the reason.
    expect(await rejection(handle.executeUpdate(approveUpdate, { args: [{}] }))).toContain(
      'the run is not waiting for approval (status: executing)',
    );
    expect((await handle.query(getStateQuery)).plan.version).toBe(2);

    const result = await handle.result();
    await recordHistory(handle, 'edited', h.env.address);
    expect(result.answer).toBe('all done');
    expect(executorRequestsFor('c')).toHaveLength(0);
    expect(executorRequestsFor('b')[0]?.text).toContain('B-EDITED');
    expect(executorRequestsFor('x')[0]?.text).toContain('X-INSTRUCTIONS');
    const state = await handle.query(getStateQuery);
    // The removed step stays in the plan, marked removed with who removed it and why.
    expect(state.plan.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'done'],
      ['c', 'removed'],
      ['b', 'done'],
      ['x', 'done'],
    ]);
    expect(state.plan.steps.find((s) => s.id === 'c')?.result).toBe(
      'Removed by a person in plan v2: a person knows better',
    );
    const pinnedNotes = state.events.filter((e) => e.kind === 'pinned_kept').map((e) => e.message);
    expect(pinnedNotes).toEqual(
      expect.arrayContaining([
        expect.stringContaining('brought back step "c", which a person removed'),
        expect.stringContaining('rewrote step "b"'),
        expect.stringContaining('dropped step "x"'),
        expect.stringContaining(
          'wanted to finish, but steps a person added or changed are still pending (x)',
        ),
      ]),
    );
    // The re-planner was told which steps are pinned.
    const replans = h.fake.requests.filter((r) => r.forcedTool === 'submit_replan');
    expect(replans[0]?.text).toContain('Pinned by a person (keep these steps exactly as they are): x, b');
  });

  it('accepts the same edit as a signal from the official temporal CLI, and logs a bad one as rejected', async () => {
    const handle = await h.start(
      { goal: 'Signal me', options: { requireApproval: true } },
      { rules: [planRule([{ id: 'a', title: 'Step A' }])] },
    );
    await waitForState(handle, 'awaiting_approval', (s) => s.status === 'awaiting_approval');
    const signal = (payload: unknown) =>
      promisify(execFile)(process.env.TEMPORAL_CLI_PATH!, [
        'workflow',
        'signal',
        '--address',
        h.env.address,
        '--namespace',
        'default',
        '--workflow-id',
        handle.workflowId,
        '--name',
        'editPlan',
        '--input',
        JSON.stringify(payload),
      ]);
    await signal({
      ops: [{ op: 'add', step: { id: 'sig', title: 'Added by signal', instructions: 'do it' } }],
    });
    const edited = await waitForState(handle, 'signal applied', (s) => s.plan.version === 2);
    expect(edited.plan.steps.map((s) => s.id)).toEqual(['a', 'sig']);
    expect(edited.plan.revisions[1]?.author).toBe('human');
    expect(edited.pinnedStepIds).toEqual(['sig']);

    await signal({ ops: [{ op: 'remove', id: 'ghost' }] });
    const logged = await waitForState(handle, 'signal rejected', (s) =>
      s.events.some((e) => e.kind === 'signal_rejected'),
    );
    expect(logged.events.find((e) => e.kind === 'signal_rejected')?.message).toContain(
      'unknown step id "ghost"',
    );
    expect(logged.plan.version).toBe(2);
    const view = await handle.query(getPlanQuery);
    expect(view.steps.map((s) => [s.id, s.pinned])).toEqual([
      ['a', false],
      ['sig', true],
    ]);
    await handle.executeUpdate(rejectUpdate, { args: [{ reason: 'test over' }] });
    await handle.result();
    await recordHistory(handle, 'signalled', h.env.address);
  });
});

describe('pause, resume, cancel', () => {
  it('pause lets the call in flight finish, then starts no new call until resume', async () => {
    const handle = await h.start(
      { goal: 'Pause me' },
      {
        rules: [
          planRule([
            { id: 'a', title: 'Step A' },
            { id: 'b', title: 'Step B', dependsOn: ['a'] },
          ]),
          executorRule('a', { text: 'A done' }, { delayMs: 1_500 }),
          continueRule([{ id: 'b', title: 'Step B', dependsOn: ['a'] }], 'b next'),
          executorRule('b', { text: 'B done' }),
          finishRule('resumed and done'),
        ],
      },
    );
    await waitForState(handle, 'step a running', (s) => s.runningStepIds.includes('a'));
    const ack = await handle.executeUpdate(pauseUpdate, { args: [{ reason: 'coffee' }] });
    expect(ack.status).toBe('paused');
    await waitForState(handle, 'step a done', (s) => s.plan.steps[0]?.status === 'done');
    const seen = h.fake.requests.length;
    await sleep(2_000);
    expect(h.fake.requests).toHaveLength(seen); // no model call while paused
    expect((await handle.query(getStateQuery)).status).toBe('paused');
    expect(await rejection(handle.executeUpdate(pauseUpdate, { args: [{}] }))).toContain('already paused');

    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    const result = await handle.result();
    expect(result.answer).toBe('resumed and done');
    expect(h.fake.requests.length).toBeGreaterThan(seen);
  });

  it("cancel ends the run in Temporal's Canceled state, cancelling the call in flight, and keeps what was done", async () => {
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
    const ack = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'changed my mind' }] });
    expect(ack.message).toBe('cancelling');
    const failure = await handle.result().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    await recordHistory(handle, 'cancelled', h.env.address);
    // Temporal's own status says Canceled, so the Web UI's list can be filtered by it.
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const { stdout } = await promisify(execFile)(process.env.TEMPORAL_CLI_PATH!, [
      'workflow',
      'list',
      '--address',
      h.env.address,
      '--query',
      `WorkflowId="${handle.workflowId}" AND ExecutionStatus="Canceled"`,
      '--output',
      'json',
    ]);
    expect(stdout).toContain(handle.workflowId);
    // The final state, by query, says who cancelled and what was done.
    const state = await handle.query(getStateQuery);
    expect(state.status).toBe('cancelled');
    expect(state.endReason).toBe('cancelled');
    expect(state.endMessage).toBe('Cancelled by a person: changed my mind. Steps done before that: a.');
    expect(state.plan.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'done'],
      ['b', 'failed'],
    ]);
    // The model call in flight was cut off: the fake server saw the client hang up, and never answered.
    const inFlight = h.fake.requests.find((r) => r.text.includes('Your step: b:'));
    expect(inFlight?.endedAt).toBeDefined();
    expect(inFlight?.status).toBeUndefined();
  });
});

describe('edits and questions across continue-as-new and timeouts', () => {
  it('keeps pinned steps when the run continues as new, and the re-planner still cannot drop them', async () => {
    const handle = await h.start(
      { goal: 'Pins survive hand-over', options: { requireApproval: true, continueAsNewAfterSteps: 1 } },
      {
        rules: [
          planRule([{ id: 'a', title: 'Step A' }]),
          executorRule('a', { text: 'A done' }),
          finishRule('too early (1)', 'finish-1'),
          executorRule('p1', { text: 'P1 done' }),
          finishRule('too early (2)', 'finish-2'),
          executorRule('p2', { text: 'P2 done' }),
          finishRule('pins done', 'finish-3'),
        ],
      },
    );
    await waitForState(handle, 'awaiting_approval', (s) => s.status === 'awaiting_approval');
    await handle.executeUpdate(approveUpdate, {
      args: [
        {
          ops: [
            { op: 'add', step: { id: 'p1', title: 'Pinned 1', instructions: 'do p1', dependsOn: ['a'] } },
            { op: 'add', step: { id: 'p2', title: 'Pinned 2', instructions: 'do p2', dependsOn: ['p1'] } },
          ],
        },
      ],
    });
    const result = await handle.result();
    expect(result.answer).toBe('pins done');
    expect(result.plan.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'done'],
      ['p1', 'done'],
      ['p2', 'done'],
    ]);
    const state = await handle.query(getStateQuery);
    expect(state.continuedAsNew).toBeGreaterThanOrEqual(2);
    expect(state.pinnedStepIds).toEqual(['p1', 'p2']);
  });

  it('lets the executor go on by itself when a question times out', async () => {
    const handle = await h.start(
      { goal: 'Nobody answers', options: { questionTimeoutSeconds: 1 } },
      {
        rules: [
          planRule([{ id: 'a', title: 'Ask' }]),
          executorRule('a', { toolCalls: [{ name: 'ask_human', input: { question: 'Anyone there?' } }] }),
          executorRule('a', { text: 'Assumed nobody' }),
          finishRule('went on alone'),
        ],
      },
    );
    const result = await handle.result();
    expect(result.answer).toBe('went on alone');
    expect(executorRequestsFor('a')[1]?.lastMessageText).toContain(
      'No answer within 1 s. Go on with your best judgement',
    );
    const state = await handle.query(getStateQuery);
    expect(state.events.map((e) => e.kind)).toContain('question_timed_out');
    expect(state.pendingQuestion).toBeUndefined();
  });
});

describe('cancellation through Temporal', () => {
  it('ends the workflow as cancelled when cancelled from Temporal (Web UI, temporal CLI, client)', async () => {
    const handle = await h.start(
      { goal: 'Cancel me from the UI', options: { requireApproval: true } },
      { rules: [planRule([{ id: 'a', title: 'Step A' }])] },
    );
    await waitForState(handle, 'awaiting_approval', (s) => s.status === 'awaiting_approval');
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow('cancelled');
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const state = await handle.query(getStateQuery);
    expect(state.status).toBe('cancelled');
    expect(state.endMessage).toBe('The workflow was cancelled through Temporal. No step had finished.');
  });
});

describe('the executor asks a person', () => {
  it('waits for the answer, shows the question by query, and the answer reaches the model', async () => {
    const handle = await h.start(
      { goal: 'Ask me' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Pick a colour' }]),
          executorRule('a', { toolCalls: [{ name: 'ask_human', input: { question: 'Which colour?' } }] }),
          executorRule(
            'a',
            { text: 'Chose blue' },
            { match: { contains: 'Your step: a:', lastMessageContains: 'A person answered: Blue' } },
          ),
          finishRule('blue it is'),
        ],
      },
    );
    const waiting = await waitForState(handle, 'a question', (s) => s.status === 'waiting_for_human');
    expect(waiting.pendingQuestion).toMatchObject({ id: 'q1', stepId: 'a', question: 'Which colour?' });
    expect((await handle.query(getPlanQuery)).pendingQuestion?.question).toBe('Which colour?');
    await sleep(500);
    expect(executorRequestsFor('a')).toHaveLength(1); // blocked until answered
    expect(
      await rejection(handle.executeUpdate(answerUpdate, { args: [{ answer: 'x', questionId: 'q9' }] })),
    ).toContain('question "q9" is not waiting; waiting: q1');

    await handle.executeUpdate(answerUpdate, { args: [{ answer: 'Blue' }] });
    const result = await handle.result();
    await recordHistory(handle, 'asked', h.env.address);
    expect(result.answer).toBe('blue it is');
    expect(executorRequestsFor('a')[1]?.lastMessageText).toContain('A person answered: Blue');
    await waitFor('no pending question', async () =>
      (await handle.query(getStateQuery)).pendingQuestion ? undefined : true,
    );
  });
});

/**
 * Bounded state and nothing lost, on a real dev server: an advice flood is refused at its cap while the run
 * goes on and finishes; a step's long result is kept whole in the workspace with a short reference in state;
 * two answers and an edit arriving together are all applied, in order.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { workspaceDirName } from '../src/tools';
import { MAX_ADVICE_NOTES, MAX_RESULT_CHARS } from '../workflows/limits';
import {
  AdviseSchema,
  AnswerSchema,
  ApproveSchema,
  CancelSchema,
  EditPlanSchema,
  PauseSchema,
  RejectSchema,
  ResumeSchema,
  adviseUpdate,
  answerSignal,
  approveUpdate,
  editPlanSignal,
  editPlanUpdate,
  getStateQuery,
} from '../workflows/messages';
import { startHarness, type Harness } from './helpers/harness';
import { recordHistory } from './helpers/histories';
import { executorRule, finishRule, planRule } from './helpers/scenarios';
import { waitForState } from './helpers/wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

it('refuses advice past its cap with a message, while the run goes on and finishes', async () => {
  const handle = await h.start(
    { goal: 'Flood me', options: { requireApproval: true } },
    {
      rules: [
        planRule([{ id: 'a', title: 'Step A' }]),
        executorRule('a', { text: 'A done' }),
        finishRule('finished despite the flood'),
      ],
    },
  );
  await waitForState(handle, 'awaiting approval', (s) => s.status === 'awaiting_approval');
  // One after another, as fast as the server takes them (it limits updates in flight per run).
  const outcomes: string[] = [];
  for (let i = 0; i < MAX_ADVICE_NOTES + 20; i++) {
    outcomes.push(
      await handle.executeUpdate(adviseUpdate, { args: [{ note: `note ${i + 1}` }] }).then(
        () => 'ok',
        (err: unknown) =>
          err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? '') : String(err),
      ),
    );
  }
  expect(outcomes.filter((o) => o === 'ok')).toHaveLength(MAX_ADVICE_NOTES);
  const refused = outcomes.filter((o) => o !== 'ok');
  expect(refused).toHaveLength(20);
  for (const message of refused)
    expect(message).toContain(`${MAX_ADVICE_NOTES} advice notes, the most it keeps`);
  await handle.executeUpdate(approveUpdate, { args: [{}] });
  const result = await handle.result();

  expect(result.answer).toBe('finished despite the flood');
  expect((await handle.query(getStateQuery)).advice).toHaveLength(MAX_ADVICE_NOTES);
});

it('keeps a long step result whole in the workspace, with a short reference in state', async () => {
  const long = `BEGIN ${'x'.repeat(20_000)} END`;
  const handle = await h.start(
    { goal: 'Say a lot' },
    {
      rules: [
        planRule([
          { id: 'a', title: 'Long' },
          { id: 'b', title: 'Uses it', dependsOn: ['a'] },
        ]),
        executorRule('a', { text: long }),
        {
          match: { forcedTool: 'submit_replan', contains: 'Steps just run: a' },
          reply: {
            toolCalls: [
              {
                name: 'submit_replan',
                input: {
                  action: 'continue',
                  reason: 'b next',
                  answer: '',
                  remainingSteps: [{ id: 'b', title: 'Uses it', instructions: 'Use a', dependsOn: ['a'] }],
                },
              },
            ],
          },
        },
        executorRule('b', { text: 'B done' }),
        finishRule('done'),
      ],
    },
  );
  await handle.result();
  const state = await handle.query(getStateQuery);
  const result = state.plan.steps.find((s) => s.id === 'a')?.result ?? '';
  expect(result.length).toBeLessThanOrEqual(MAX_RESULT_CHARS);
  expect(result).toContain('the whole result is in results/a.md in the workspace');
  const file = path.join(h.workspaceRoot, workspaceDirName(handle.workflowId), 'results', 'a.md');
  expect(readFileSync(file, 'utf8')).toBe(long);
  // The step that depends on it is told where the rest is.
  const brief = h.fake.requests.find((r) => r.text.includes('Your step: b:'));
  expect(brief?.text).toContain('results/a.md');
});

it('applies two answers and an edit that arrive together, in order, losing none', async () => {
  const handle = await h.start(
    { goal: 'Ask twice', options: { maxParallelSteps: 2 } },
    {
      rules: [
        planRule([
          { id: 'a', title: 'Ask one' },
          { id: 'b', title: 'Ask two' },
          { id: 'c', title: 'Later', dependsOn: ['a', 'b'] },
        ]),
        {
          ...executorRule('a', { toolCalls: [{ name: 'ask_human', input: { question: 'First?' } }] }),
          match: { contains: 'Your step: a:', lastMessageContains: 'Your step: a:' },
        },
        {
          ...executorRule('b', { toolCalls: [{ name: 'ask_human', input: { question: 'Second?' } }] }),
          match: { contains: 'Your step: b:', lastMessageContains: 'Your step: b:' },
        },
        executorRule('a', { text: 'a answered' }),
        executorRule('b', { text: 'b answered' }),
        // c was edited, so it is pinned: it runs even though the re-planner wanted to finish first.
        { ...finishRule('too early'), match: { forcedTool: 'submit_replan', contains: 'Steps just run: ' } },
        executorRule('c', { text: 'c done' }),
        {
          ...finishRule('both answered'),
          match: { forcedTool: 'submit_replan', contains: 'Steps just run: c' },
        },
      ],
    },
  );
  const waiting = await waitForState(handle, 'two questions', (s) => s.questions.length === 2);
  expect(waiting.status).toBe('waiting_for_human');
  const first = waiting.questions[0]!;
  const second = waiting.questions[1]!;
  // Back to back (each send waits only for the server to take it), so they usually land in one task.
  await handle.signal(answerSignal, { answer: 'ONE' });
  await handle.signal(answerSignal, { answer: 'TWO' });
  await handle.signal(editPlanSignal, { ops: [{ op: 'update', id: 'c', instructions: 'EDITED-C' }] });

  expect((await handle.result()).answer).toBe('both answered');
  const answerFor = (stepId: string) =>
    h.fake.requests.find(
      (r) => r.text.includes(`Your step: ${stepId}:`) && r.lastMessageText.includes('A person answered'),
    )?.lastMessageText;
  // Answers without a question id go to the oldest question waiting, in the order they were sent.
  expect(answerFor(first.stepId)).toContain('A person answered: ONE');
  expect(answerFor(second.stepId)).toContain('A person answered: TWO');
  const state = await handle.query(getStateQuery);
  expect(state.plan.steps.find((s) => s.id === 'c')?.instructions).toBe('EDITED-C');
  expect(state.events.filter((e) => e.kind === 'signal_rejected')).toEqual([]);
  // Two steps at once with a fast executor: one local activity at a time (replayed in test/replay.test.ts).
  await recordHistory(handle, 'parallel-asked', h.env.address);
});

it('refuses a hundred random malformed signals and updates with messages, and the run goes on', async () => {
  const handle = await h.start(
    { goal: 'Take the junk', options: { requireApproval: true } },
    {
      rules: [
        planRule([{ id: 'a', title: 'Step A' }]),
        executorRule('a', { text: 'A done' }),
        finishRule('unharmed'),
      ],
    },
  );
  await waitForState(handle, 'awaiting approval', (s) => s.status === 'awaiting_approval');
  // Every message name with its schema; only payloads its schema refuses are sent (null counts as {}, as
  // a signal sent without input does).
  const schemas = {
    editPlan: EditPlanSchema,
    approve: ApproveSchema,
    answer: AnswerSchema,
    advise: AdviseSchema,
    reject: RejectSchema,
    pause: PauseSchema,
    resume: ResumeSchema,
    cancel: CancelSchema,
  };
  const names = Object.keys(schemas) as (keyof typeof schemas)[];
  const junk = fc
    .sample(
      fc.tuple(
        fc.constantFrom(...names),
        fc.oneof(
          fc.constant(null),
          fc.constant({ ops: {} }),
          fc.constant({ ops: 'add' }),
          fc.constant({ ops: [{ op: 'add' }] }),
          fc.record({ reasn: fc.string() }),
          fc.record({ note: fc.integer() }),
          fc.array(fc.anything(), { maxLength: 3 }),
          fc.dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 3 }),
        ),
      ),
      { numRuns: 120, seed: 7 },
    )
    .filter(([name, payload]) => !schemas[name].safeParse(payload ?? {}).success)
    .slice(0, 50);
  expect(junk).toHaveLength(50);
  for (const [name, payload] of junk) {
    await handle.signal(name, payload);
    // The same junk as an update: refused by its validator, so nothing is written to history.
    const refusal = await handle.executeUpdate(name, { args: [payload] }).then(
      () => 'accepted',
      (err: unknown) => (err instanceof WorkflowUpdateFailedError ? err.cause?.message : String(err)),
    );
    expect(refusal).toMatch(new RegExp(`^invalid ${name} payload: .+`));
  }
  const state = await waitForState(
    handle,
    'every signal looked at',
    (s) => s.events.filter((e) => e.kind === 'signal_rejected').length >= junk.length,
  );
  expect(state.status).toBe('awaiting_approval');
  expect(state.plan.version).toBe(1);
  await handle.executeUpdate(approveUpdate, { args: [{}] });
  expect((await handle.result()).answer).toBe('unharmed');
});

it('refuses a typo in a payload or an input, naming the closest known key, and applies nothing', async () => {
  const handle = await h.start(
    { goal: 'Typos', options: { requireApproval: true } },
    {
      rules: [
        planRule([{ id: 'a', title: 'Step A' }]),
        executorRule('a', { text: 'A done' }),
        finishRule('ok'),
      ],
    },
  );
  await waitForState(handle, 'awaiting approval', (s) => s.status === 'awaiting_approval');
  const refusal = await handle
    .executeUpdate(editPlanUpdate, {
      args: [{ ops: [{ op: 'update', id: 'a', instructions: 'new' }], reasn: 'typo' } as never],
    })
    .then(
      () => 'accepted',
      (err: unknown) => (err instanceof WorkflowUpdateFailedError ? err.cause?.message : String(err)),
    );
  expect(refusal).toBe('invalid editPlan payload: reasn: unknown key; did you mean "reason"?');
  await handle.signal(editPlanSignal, {
    ops: [{ op: 'update', id: 'a', instructions: 'new' }],
    reasn: 'typo',
  } as never);
  const state = await waitForState(handle, 'the signal refused', (s) =>
    s.events.some((e) => e.kind === 'signal_rejected'),
  );
  expect(state.events.find((e) => e.kind === 'signal_rejected')?.message).toContain('did you mean "reason"?');
  expect(state.plan.version).toBe(1);
  await handle.executeUpdate(approveUpdate, { args: [{}] });
  await handle.result();

  const typo = await h.start({ goal: 'x', optoins: { maxSteps: 1 } } as never, {
    rules: [finishRule('never')],
  });
  const failure = await typo
    .result()
    .catch((err: unknown) => String((err as Error & { cause?: Error }).cause?.message));
  expect(failure).toContain('optoins: unknown key; did you mean "options"?');
});

/**
 * What happens at the edges of people steering a run: two parallel steps asking at once, a re-plan that
 * cannot be merged with people's edits, and an event log longer than the run keeps.
 */
import { answerUpdate, approveUpdate, getStateQuery, resumeSignal } from '../workflows/messages';
import { startHarness, type Harness } from './helpers/harness';
import { continueRule, executorRule, finishRule, planRule } from './helpers/scenarios';
import { sleep, waitFor, waitForState } from './helpers/wait';

/** The number of events the run keeps in its log (MAX_EVENTS in workflows/run.ts). */
const EVENT_LOG_CAP = 500;

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

const executorRequestsFor = (id: string) =>
  h.fake.requests.filter((r) => r.text.includes(`Your step: ${id}:`));

describe('two parallel steps ask at once', () => {
  it('asks one question at a time, and each answer reaches the step that asked it', async () => {
    const answered = (id: string) =>
      executorRule(
        id,
        { text: `${id} done` },
        { match: { contains: `Your step: ${id}:`, lastMessageContains: 'A person answered' } },
      );
    const handle = await h.start(
      { goal: 'Two questions', options: { maxParallelSteps: 2 } },
      {
        rules: [
          planRule([
            { id: 'a', title: 'Ask about a' },
            { id: 'b', title: 'Ask about b' },
          ]),
          answered('a'),
          answered('b'),
          executorRule('a', { toolCalls: [{ name: 'ask_human', input: { question: 'What about a?' } }] }),
          executorRule('b', { toolCalls: [{ name: 'ask_human', input: { question: 'What about b?' } }] }),
          finishRule('both answered'),
        ],
      },
    );
    await waitFor(
      'both steps to ask',
      () => (executorRequestsFor('a').length && executorRequestsFor('b').length) || undefined,
    );
    const first = await waitForState(handle, 'a question', (s) => s.status === 'waiting_for_human');
    await sleep(500);
    const still = await handle.query(getStateQuery);
    // One question shown; the other step's question waits its turn.
    expect(still.pendingQuestion).toEqual(first.pendingQuestion);
    expect(still.events.filter((e) => e.kind === 'question_asked')).toHaveLength(1);
    const q1 = first.pendingQuestion!;
    expect(q1.id).toBe('q1');

    await handle.executeUpdate(answerUpdate, { args: [{ answer: `for ${q1.stepId}`, questionId: 'q1' }] });
    const second = await waitForState(handle, 'the second question', (s) => s.pendingQuestion?.id === 'q2');
    const q2 = second.pendingQuestion!;
    expect(q2.stepId).not.toBe(q1.stepId);
    expect(q2.question).toBe(`What about ${q2.stepId}?`);
    await handle.executeUpdate(answerUpdate, { args: [{ answer: `for ${q2.stepId}`, questionId: 'q2' }] });

    expect((await handle.result()).answer).toBe('both answered');
    for (const id of ['a', 'b']) {
      expect(executorRequestsFor(id)[1]?.lastMessageText).toContain(`A person answered: for ${id}`);
    }
  });
});

describe('a question asked wrongly', () => {
  it('goes back to the executor as an error result, and nobody is asked', async () => {
    const handle = await h.start(
      { goal: 'Ask without a question' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Ask badly' }]),
          executorRule('a', { toolCalls: [{ name: 'ask_human', input: { topic: 'colours' } }] }),
          executorRule('a', { text: 'Went on without asking' }),
          finishRule('no question asked'),
        ],
      },
    );
    expect((await handle.result()).answer).toBe('no question asked');
    expect(executorRequestsFor('a')[1]?.lastMessageText).toContain('ask_human needs {"question": "..."}');
    const state = await handle.query(getStateQuery);
    expect(state.events.map((e) => e.kind)).not.toContain('question_asked');
  });
});

describe('a re-plan that cannot be merged with people’s edits', () => {
  it('is not applied: the plan is kept, the log says why, and the run goes on', async () => {
    const handle = await h.start(
      { goal: 'Merge conflict', options: { requireApproval: true } },
      {
        rules: [
          planRule([
            { id: 'a', title: 'Step A' },
            { id: 'q', title: 'Step Q', dependsOn: ['a'] },
          ]),
          executorRule('a', { text: 'A done' }),
          // Valid on its own; with the person's p (which depends on q) kept, q and p would wait on each other.
          continueRule(
            [
              { id: 'q', title: 'Step Q', dependsOn: ['p'] },
              { id: 'p', title: 'Step P' },
            ],
            'p before q',
            'replan-cycle',
          ),
          executorRule('q', { text: 'Q done' }),
          finishRule('too early', 'finish-1'),
          executorRule('p', { text: 'P done' }),
          finishRule('all merged', 'finish-2'),
        ],
      },
    );
    await waitForState(handle, 'awaiting approval', (s) => s.status === 'awaiting_approval');
    await handle.executeUpdate(approveUpdate, {
      args: [
        { ops: [{ op: 'add', step: { id: 'p', title: 'Step P', instructions: 'do p', dependsOn: ['q'] } }] },
      ],
    });
    const result = await handle.result();
    expect(result.answer).toBe('all merged');
    const state = await handle.query(getStateQuery);
    const notApplied = state.events.filter((e) => e.kind === 'replan_not_applied');
    expect(notApplied).toHaveLength(1);
    expect(notApplied[0]?.message).toContain(
      "The re-planner's revision could not be merged with people's edits",
    );
    expect(notApplied[0]?.message).toContain('dependency cycle');
    // No revision by the re-planner made q depend on p; the person's order held.
    expect(state.plan.revisions.map((r) => [r.version, r.author])).toEqual([
      [1, 'planner'],
      [2, 'human'],
      [3, 'replanner'],
    ]);
    expect(state.plan.steps.map((s) => [s.id, s.status, s.dependsOn])).toEqual([
      ['a', 'done', []],
      ['q', 'done', ['a']],
      ['p', 'done', ['q']],
    ]);
    expect(state.replans).toBe(3);
  });
});

describe('the event log', () => {
  it(`keeps the latest ${EVENT_LOG_CAP} events while their numbers keep counting`, async () => {
    const handle = await h.start(
      { goal: 'A long log', options: { requireApproval: true } },
      {
        rules: [
          planRule([{ id: 'a', title: 'Step A' }]),
          executorRule('a', { text: 'A done' }),
          finishRule('done'),
        ],
      },
    );
    const before = await waitForState(handle, 'awaiting approval', (s) => s.status === 'awaiting_approval');
    // Each resume of a run that is not paused is refused and logged as signal_rejected.
    const extra = EVENT_LOG_CAP + 100;
    for (let sent = 0; sent < extra; sent += 50) {
      await Promise.all(Array.from({ length: 50 }, () => handle.signal(resumeSignal, {})));
    }
    const state = await waitForState(
      handle,
      'every signal logged',
      (s) => s.eventsTotal === before.eventsTotal + extra,
      30_000,
    );
    expect(state.events).toHaveLength(EVENT_LOG_CAP);
    expect(state.events.map((e) => e.seq)).toEqual(
      Array.from({ length: EVENT_LOG_CAP }, (_, i) => state.eventsTotal - EVENT_LOG_CAP + 1 + i),
    );
    expect(state.events.every((e) => e.kind === 'signal_rejected')).toBe(true);

    await handle.executeUpdate(approveUpdate, { args: [{}] });
    expect((await handle.result()).answer).toBe('done');
    const ended = await handle.query(getStateQuery);
    expect(ended.events).toHaveLength(EVENT_LOG_CAP);
    expect(ended.events.at(-1)?.kind).toBe('run_completed');
  });
});

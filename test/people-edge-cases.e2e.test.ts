/**
 * What happens at the edges of people steering a run: two parallel steps asking at once, a re-plan that
 * cannot be merged with people's edits, and an event log longer than the run keeps.
 */
import {
  answerUpdate,
  approveUpdate,
  editPlanUpdate,
  getStateQuery,
  pauseUpdate,
  resumeSignal,
  resumeUpdate,
} from '../workflows/messages';
import { recordHistory } from './helpers/histories';
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
  it('every question can be answered, and each answer reaches the step that asked it', async () => {
    const answered = (id: string) =>
      executorRule(
        id,
        { text: `${id} done` },
        { match: { contains: `Your step: ${id}:`, lastMessageContains: 'A person answered' } },
      );
    const asks = (id: string) =>
      executorRule(
        id,
        { toolCalls: [{ name: 'ask_human', input: { question: `What about ${id}?` } }] },
        { delayMs: 1_000 },
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
          asks('a'),
          asks('b'),
          finishRule('both answered'),
        ],
      },
    );
    // Both turns in flight; a pause holds both steps at their next call, and resume lets them ask together.
    await waitFor('both steps to ask', () =>
      executorRequestsFor('a').length && executorRequestsFor('b').length ? true : undefined,
    );
    await handle.executeUpdate(pauseUpdate, { args: [{ reason: 'line the questions up' }] });
    await waitFor('both turns to finish', () =>
      executorRequestsFor('a')[0]?.endedAt && executorRequestsFor('b')[0]?.endedAt ? true : undefined,
    );
    await sleep(500);
    await handle.executeUpdate(resumeUpdate, { args: [{}] });

    const asked: { id: string; stepId: string; question: string }[] = [];
    for (let n = 1; n <= 2; n++) {
      const waiting = await waitForState(
        handle,
        `question ${n} of 2 to be waiting for an answer`,
        (s) => s.pendingQuestion !== undefined && !asked.some((q) => q.id === s.pendingQuestion?.id),
        10_000,
      );
      const q = waiting.pendingQuestion!;
      asked.push(q);
      expect(q.question).toBe(`What about ${q.stepId}?`);
      await handle.executeUpdate(answerUpdate, { args: [{ answer: `for ${q.stepId}`, questionId: q.id }] });
    }
    expect(asked.map((q) => q.stepId).sort()).toEqual(['a', 'b']);
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
  it('is re-asked with the problems, and a finish that would strand a person’s step keeps what it needs', async () => {
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
          // The re-ask finishes, dropping q; the person's p depends on q, so q is kept for p.
          finishRule('too early', 'finish-1'),
          executorRule('q', { text: 'Q done' }),
          finishRule('p is left', 'finish-2'),
          executorRule('p', { text: 'P done' }),
          finishRule('all merged', 'finish-3'),
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
    const reask = h.fake.requests.find((r) => r.rule === 'finish-1');
    expect(JSON.stringify(reask?.body)).toContain('dependency cycle');
    const state = await handle.query(getStateQuery);
    const said = (kind: string) => state.events.filter((e) => e.kind === kind).map((e) => e.message);
    expect(said('invalid_output')).toEqual([
      'replanner output was invalid, re-asking: dependency cycle: q -> p -> q',
    ]);
    expect(said('pinned_kept')).toContain(
      're-planner dropped step "q", which "p" (a person\'s step) depends on; kept',
    );
    expect(said('replan_not_applied')).toEqual([]);
    // No revision by the re-planner made q depend on p; the person's order held.
    expect(state.plan.revisions.map((r) => [r.version, r.author])).toEqual([
      [1, 'planner'],
      [2, 'human'],
      [3, 'replanner'],
      [4, 'replanner'],
    ]);
    expect(state.plan.steps.map((s) => [s.id, s.status, s.dependsOn])).toEqual([
      ['a', 'done', []],
      ['q', 'done', ['a']],
      ['p', 'done', ['q']],
    ]);
    expect(state.replans).toBe(3);
  });
});

describe('an edit that reaches the run as it finishes', () => {
  it('runs the step it added before the run ends, and the re-planner decides again', async () => {
    const handle = await h.start(
      { goal: 'Late edit' },
      {
        rules: [
          planRule([
            { id: 'a0', title: 'Step A0' },
            { id: 'a', title: 'Step A', dependsOn: ['a0'] },
          ]),
          executorRule('a0', { text: 'A0 done' }),
          continueRule([{ id: 'a', title: 'Step A', dependsOn: ['a0'] }], 'a next'),
          // The executor and re-planner lanes answered at once before, so both calls now run locally: the edit
          // sent during this slow call waits, and the finish that follows is decided without it.
          executorRule('a', { text: 'A done' }, { delayMs: 1_500 }),
          finishRule('finished without late', 'finish-1'),
          executorRule('late', { text: 'late done' }),
          { ...finishRule('finished with late', 'finish-2'), repeat: true },
        ],
      },
    );
    await waitFor('a’s executor call', () =>
      h.fake.requests.some((r) => r.text.includes('Your step: a:')) ? true : undefined,
    );
    const sent = await handle.executeUpdate(editPlanUpdate, {
      args: [
        { ops: [{ op: 'add', step: { id: 'late', title: 'Late', instructions: 'do late', dependsOn: [] } }] },
      ],
    });
    expect(sent).toMatchObject({ planVersion: 3 });
    const result = await handle.result();
    expect(result.answer).toBe('finished with late');
    expect(result.plan.steps.map((s) => [s.id, s.status])).toEqual([
      ['a0', 'done'],
      ['a', 'done'],
      ['late', 'done'],
    ]);
    const state = await handle.query(getStateQuery);
    expect(state.events.map((e) => e.message)).toContain(
      'Steps a person added or changed while the run was finishing are still pending (late); running them first.',
    );
    expect(h.fake.requests.filter((r) => r.text.includes('Your step: late:'))).toHaveLength(1);
    // A history with the local-stretch-2s and late-edits-run markers, for the replay suite.
    await recordHistory(handle, 'late-edit', h.env.address);
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

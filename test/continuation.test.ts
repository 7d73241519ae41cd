/**
 * The hand-over to a continuation stays under Temporal's payload limit however long the run: old results
 * are shortened (never those a step still to run depends on), and a state that cannot be made small enough
 * ends the run with a message instead of a workflow task failing in a loop.
 */
import { ApplicationFailure } from '@temporalio/common';
import { boundContinuation, ContinuationSchema } from '../workflows/continuation';
import { FULL_RESULTS_CARRIED, SHORT_RESULT_CHARS } from '../workflows/limits';

const step = (id: string, status: 'done' | 'pending', result: string, dependsOn: string[] = []) => ({
  id,
  title: `T ${id}`,
  instructions: `do ${id}`,
  dependsOn,
  status,
  turns: 1,
  revision: 1,
  result,
});

function continuation(done: number, resultChars: number) {
  const steps = Array.from({ length: done }, (_, i) =>
    step(`s${i}`, 'done', `r${i} ${'x'.repeat(resultChars)}`),
  );
  steps.push(step('next', 'pending', '', ['s0']));
  return {
    plan: { version: 2, steps, revisions: [] },
    stepsExecuted: done,
    replans: done,
    usage: [],
    events: [],
    eventsTotal: 0,
    advice: [],
    pinnedStepIds: [],
    humanRemovedStepIds: [],
    paused: false,
    questionCount: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
    continuedAsNew: 1,
  };
}

it('shortens results older than the most recent ones, keeping those a pending step depends on', () => {
  const input = continuation(FULL_RESULTS_CARRIED + 50, 2_000);
  const out = boundContinuation(input);
  const results = out.plan.steps.map((s) => s.result ?? '');
  expect(results[0]!.length).toBeGreaterThan(SHORT_RESULT_CHARS); // s0: "next" depends on it
  expect(results[1]!.length).toBeLessThanOrEqual(SHORT_RESULT_CHARS);
  expect(results[FULL_RESULTS_CARRIED + 49]!.length).toBeGreaterThan(2_000); // recent: whole
  expect(JSON.stringify(out).length).toBeLessThan(1_200_000);
  // The input (the live state) is left as it was; the output is still a valid continuation.
  expect(input.plan.steps[1]!.result.length).toBeGreaterThan(2_000);
  expect(ContinuationSchema.safeParse(out).success).toBe(true);
});

it('compacts harder when the recent results alone are too big', () => {
  const out = boundContinuation(continuation(FULL_RESULTS_CARRIED, 30_000));
  expect(JSON.stringify(out).length).toBeLessThan(1_200_000);
});

it('ends the run with a message when even that is not enough', () => {
  const huge = continuation(10, 10);
  huge.advice = Array.from({ length: 300 }, (_, i) => ({
    at: 't',
    note: `${i} ${'y'.repeat(8_000)}`,
  })) as never;
  expect(() => boundContinuation(huge)).toThrow(ApplicationFailure);
  expect(() => boundContinuation(huge)).toThrow(/too large to continue as new/);
});

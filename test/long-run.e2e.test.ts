/**
 * A long run (200 steps) on a dev server whose continue-as-new threshold is lowered: the run continues as
 * new many times, carrying its whole state; every run's history stays bounded; queries keep answering;
 * signals sent throughout are not lost.
 */
import type { Scenario } from '../src/fake-model/scenario';
import { MAX_ADVICE_NOTES } from '../workflows/limits';
import { adviseSignal, getStateQuery } from '../workflows/messages';
import { recordHistory } from './helpers/histories';
import { startHarness, type Harness } from './helpers/harness';
import { continueRule, finishRule, planRule } from './helpers/scenarios';
import { sleep } from './helpers/wait';

const STEPS = 200;
// Events; Temporal's default is 4,096. A fast step adds about 2 events (its turns and re-plan in one local
// activity), so a low threshold makes the run continue as new several times.
const SUGGEST_AT = 60;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    extraServerArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AT}`],
  });
});
afterAll(async () => {
  await h?.shutdown();
});

function longScenario(): Scenario {
  const rules: Scenario['rules'] = [
    planRule([{ id: 's1', title: 'Step 1' }]),
    { name: 'executor', match: { contains: 'Your step:' }, repeat: true, reply: { text: 'done' } },
  ];
  for (let i = 1; i < STEPS; i++) {
    rules.push({
      ...continueRule([{ id: `s${i + 1}`, title: `Step ${i + 1}` }], `step ${i + 1} next`, `replan-${i}`),
      match: { forcedTool: 'submit_replan', contains: `Steps just run: s${i}\n` },
      // A note that reaches the run while a step's local activity runs makes its re-plan asked ahead stale:
      // the run then asks the same re-plan again.
      times: 2,
    });
  }
  rules.push({
    ...finishRule(`all ${STEPS} steps done`),
    match: { forcedTool: 'submit_replan', contains: `Steps just run: s${STEPS}\n` },
    times: 2,
  });
  return { rules };
}

it(`runs ${STEPS} steps across continue-as-new with bounded histories, answering queries and keeping signals`, async () => {
  const handle = await h.start(
    { goal: 'A very long run', options: { maxSteps: STEPS + 10, maxReplans: STEPS + 10 } },
    longScenario(),
  );

  // Signals and queries all through the run, across the hand-overs.
  let signalsSent = 0;
  let queriesAnswered = 0;
  let queryFailures = 0;
  let lastSteps = 0;
  let done = false;
  const result = handle.result().finally(() => {
    done = true;
  });
  while (!done) {
    await handle.signal(adviseSignal, { note: `note ${++signalsSent}` });
    try {
      const state = await handle.query(getStateQuery);
      expect(state.stepsExecuted).toBeGreaterThanOrEqual(lastSteps); // state never goes back
      lastSteps = state.stepsExecuted;
      queriesAnswered++;
    } catch {
      queryFailures++;
    }
    await sleep(150);
  }
  const final = await result;

  expect(final.endReason).toBe('answered');
  expect(final.answer).toBe(`all ${STEPS} steps done`);
  expect(final.stepsExecuted).toBe(STEPS);
  expect(final.plan.steps.filter((s) => s.status === 'done')).toHaveLength(STEPS);
  expect(final.usage.find((u) => u.role === 'executor')?.calls).toBe(STEPS);
  // One re-plan per step, and one more at most for each note that made a re-plan asked ahead stale; none lost
  // to a hand-over (a re-plan asked ahead is used before the run continues as new).
  const replans = final.usage.find((u) => u.role === 'replanner')?.calls ?? 0;
  expect(replans).toBeGreaterThanOrEqual(STEPS);
  expect(replans).toBeLessThanOrEqual(STEPS + signalsSent);

  const state = await handle.query(getStateQuery);
  expect(state.continuedAsNew).toBeGreaterThanOrEqual(3);
  // Every signal reached the run, whichever link of the chain was current when it was sent: the first
  // MAX_ADVICE_NOTES as advice, in order, and any beyond the cap refused in the event log, never dropped.
  const kept = Math.min(signalsSent, MAX_ADVICE_NOTES);
  expect(state.advice.map((a) => a.note)).toEqual(Array.from({ length: kept }, (_, i) => `note ${i + 1}`));
  const refused = state.events.filter(
    (e) => e.kind === 'signal_rejected' && e.message.includes(`${MAX_ADVICE_NOTES} advice notes`),
  );
  expect(refused).toHaveLength(signalsSent - kept);
  expect(queryFailures).toBe(0);
  expect(queriesAnswered).toBeGreaterThan(5);

  // Every run in the chain kept a bounded history.
  const runs: { runId: string; historyLength: number }[] = [];
  for await (const wf of h.env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) {
    runs.push({ runId: wf.runId, historyLength: wf.historyLength });
  }
  expect(runs).toHaveLength(state.continuedAsNew + 1);
  for (const run of runs) expect(run.historyLength).toBeLessThan(SUGGEST_AT + 150);
  console.log(
    `long run: ${STEPS} steps, ${runs.length} runs, longest history ${Math.max(...runs.map((r) => r.historyLength))} events (suggest at ${SUGGEST_AT}), ${signalsSent} signals kept, ${queriesAnswered} queries answered`,
  );
  await recordHistory(
    h.env.client.workflow.getHandle(handle.workflowId, runs.at(-1)?.runId),
    'continued-as-new',
    h.env.address,
  );
}, 300_000);

/**
 * Pause means pause, for every kind of call: a planner call, an executor model turn, a tool call and a
 * re-plan. In each test the call before the one under test is in flight when the pause is accepted; the
 * counts of model requests (at the fake server) and tool runs are taken at that moment. The call in flight
 * may finish; after it, over a real wait, nothing new may start. Resume lets the run finish.
 */
import { builtInTools } from '../src/tools';
import { planAndExecute } from '../workflows';
import { getStateQuery, pauseSignal, pauseUpdate, resumeUpdate } from '../workflows/messages';
import { startHarness, type Harness } from './helpers/harness';
import { PROBE_TOOL, probeTool, type ProbeRun } from './helpers/probe-tool';
import { executorRule, finishRule, planRule } from './helpers/scenarios';
import { sleep, waitFor, waitForState } from './helpers/wait';

/** How long nothing may happen while paused, after the call in flight has finished. */
const PAUSED_WAIT_MS = 1_500;
/** How long the call before the one under test stays in flight: time to pause while it runs. */
const IN_FLIGHT_MS = 1_500;

const probes: ProbeRun[] = [];
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ tools: builtInTools().register(probeTool(probes)) });
});
afterEach(async () => {
  await h.endStartedRuns();
});
afterAll(async () => {
  await h?.shutdown();
});
beforeEach(() => {
  probes.length = 0;
});

const counts = () => ({ model: h.fake.requests.length, tools: probes.length });
const requestsOf = (rule: string) => h.fake.requests.filter((r) => r.rule === rule);

/** Wait until a request answered by `rule` has reached the fake server (and so is in flight). */
const inFlight = (rule: string) => waitFor(`a request answered by ${rule}`, () => requestsOf(rule)[0]);

describe('pause takes effect before the next call of every kind', () => {
  it('before a tool call: the executor turn in flight finishes, its tool call waits for resume', async () => {
    const handle = await h.start(
      { goal: 'Pause before a tool' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Probe' }]),
          executorRule(
            'a',
            { toolCalls: [{ name: PROBE_TOOL, input: {} }] },
            { name: 'turn-1', delayMs: IN_FLIGHT_MS },
          ),
          executorRule('a', { text: 'probed it' }, { name: 'turn-2' }),
          finishRule('paused and resumed'),
        ],
      },
    );
    const turn = await inFlight('turn-1');
    await handle.executeUpdate(pauseUpdate, { args: [{ reason: 'hold the tool' }] });
    const atPause = counts();
    expect(atPause).toEqual({ model: 2, tools: 0 });

    await waitFor('the turn in flight to finish', () => turn.endedAt);
    await sleep(PAUSED_WAIT_MS);
    expect(counts()).toEqual(atPause);
    expect((await handle.query(getStateQuery)).status).toBe('paused');

    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    expect((await handle.result()).answer).toBe('paused and resumed');
    expect(probes).toHaveLength(1);
    expect(probes[0]!.startedAt).toBeGreaterThan(turn.endedAt! + PAUSED_WAIT_MS);
  });

  it('before an executor model turn: the tool call in flight finishes, the next turn waits for resume', async () => {
    const handle = await h.start(
      { goal: 'Pause before a model turn' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Probe slowly' }]),
          executorRule(
            'a',
            { toolCalls: [{ name: PROBE_TOOL, input: { delayMs: IN_FLIGHT_MS } }] },
            { name: 'turn-1' },
          ),
          executorRule('a', { text: 'probed it' }, { name: 'turn-2' }),
          finishRule('paused and resumed'),
        ],
      },
    );
    const probe = await waitFor('the tool call in flight', () => probes[0]);
    await handle.executeUpdate(pauseUpdate, { args: [{}] });
    const atPause = counts();
    expect(atPause).toEqual({ model: 2, tools: 1 });

    await waitFor('the tool call in flight to finish', () => probe.endedAt);
    await sleep(PAUSED_WAIT_MS);
    expect(counts()).toEqual(atPause);
    expect(requestsOf('turn-2')).toHaveLength(0);

    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    expect((await handle.result()).answer).toBe('paused and resumed');
    expect(requestsOf('turn-2')[0]!.startedAt).toBeGreaterThan(probe.endedAt! + PAUSED_WAIT_MS);
  });

  it('before a re-plan: the step in flight finishes, the re-planner waits for resume', async () => {
    const handle = await h.start(
      { goal: 'Pause before a re-plan' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Think' }]),
          executorRule('a', { text: 'thought' }, { name: 'turn-1', delayMs: IN_FLIGHT_MS }),
          finishRule('paused and resumed'),
        ],
      },
    );
    const turn = await inFlight('turn-1');
    await handle.executeUpdate(pauseUpdate, { args: [{}] });
    const atPause = counts();
    expect(atPause).toEqual({ model: 2, tools: 0 });

    await waitFor('the turn in flight to finish', () => turn.endedAt);
    await sleep(PAUSED_WAIT_MS);
    expect(counts()).toEqual(atPause);
    expect(requestsOf('finish')).toHaveLength(0);
    const paused = await handle.query(getStateQuery);
    expect(paused.status).toBe('paused');
    expect(paused.plan.steps[0]?.status).toBe('done');

    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    expect((await handle.result()).answer).toBe('paused and resumed');
    expect(requestsOf('finish')[0]!.startedAt).toBeGreaterThan(turn.endedAt! + PAUSED_WAIT_MS);
  });

  it('before the planner: a run started with a pause signal calls no model until resumed', async () => {
    h.fake.setScenario({
      rules: [
        planRule([{ id: 'a', title: 'Step A' }]),
        executorRule('a', { text: 'A done' }),
        finishRule('planned late'),
      ],
    });
    h.fake.clearRequests();
    // Signal-with-start: the pause is in the run's first workflow task, before the planner could start.
    const handle = await h.env.client.workflow.signalWithStart(planAndExecute, {
      taskQueue: h.taskQueue,
      workflowId: `pause-at-start-${Date.now()}`,
      args: [{ goal: 'Paused from the start' }],
      signal: pauseSignal,
      signalArgs: [{ reason: 'look before it plans' }],
    });
    const paused = await waitForState(handle, 'paused', (s) => s.status === 'paused');
    expect(paused.plan.version).toBe(0);
    await sleep(PAUSED_WAIT_MS);
    expect(counts()).toEqual({ model: 0, tools: 0 });

    const resumedAt = Date.now();
    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    expect((await handle.result()).answer).toBe('planned late');
    expect(requestsOf('plan')[0]!.startedAt).toBeGreaterThanOrEqual(resumedAt);
  });
});

/**
 * Runs are searchable by their state: the project's dev servers register the search attributes, a run started
 * with them keeps them up to date, and `temporal workflow list --query` filters by them. A run started without
 * them (a server that lacks them) works the same.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AgentNeedsPersonKey, AgentStatusKey, AgentStepsDoneKey } from '../workflows/search-attributes';
import { approveUpdate } from '../workflows/messages';
import { startHarness, type Harness } from './helpers/harness';
import { executorRule, finishRule, planRule } from './helpers/scenarios';
import { waitFor, waitForState } from './helpers/wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

const list = async (query: string): Promise<string[]> => {
  const { stdout } = await promisify(execFile)(process.env.TEMPORAL_CLI_PATH!, [
    'workflow',
    'list',
    '--address',
    h.env.address,
    '--query',
    query,
    '--output',
    'json',
  ]);
  return stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{') || l.includes('"workflowId"'))
    .flatMap((l) => [...l.matchAll(/"workflowId":\s*"([^"]+)"/g)].map((m) => m[1] as string));
};

const scenario = {
  rules: [
    planRule([
      { id: 'a', title: 'Step A' },
      { id: 'b', title: 'Step B' },
    ]),
    executorRule('a', { text: 'A done' }),
    executorRule('b', { text: 'B done' }),
    finishRule('searched'),
  ],
};

it('keeps the run searchable by status, waiting for a person, and steps done', async () => {
  const handle = await h.start(
    { goal: 'Find me', options: { requireApproval: true, maxParallelSteps: 2 } },
    scenario,
  );
  await waitForState(handle, 'awaiting approval', (s) => s.status === 'awaiting_approval');
  const waiting = await waitFor('the attributes of a run waiting for approval', async () => {
    const attrs = (await handle.describe()).typedSearchAttributes;
    return attrs.get(AgentStatusKey) === 'awaiting_approval' ? attrs : undefined;
  });
  expect(waiting.get(AgentNeedsPersonKey)).toBe(true);
  await waitFor('the list filter to find it', async () =>
    (await list(`AgentNeedsPerson = true AND WorkflowId = "${handle.workflowId}"`)).includes(
      handle.workflowId,
    )
      ? true
      : undefined,
  );

  await handle.executeUpdate(approveUpdate, { args: [{}] });
  expect((await handle.result()).answer).toBe('searched');
  const done = (await handle.describe()).typedSearchAttributes;
  expect(done.get(AgentStatusKey)).toBe('completed');
  expect(done.get(AgentNeedsPersonKey)).toBe(false);
  expect(done.get(AgentStepsDoneKey)).toBe(2);
  await waitFor('the list filter on status and steps', async () =>
    (
      await list(`AgentStatus = "completed" AND AgentStepsDone >= 2 AND WorkflowId = "${handle.workflowId}"`)
    ).includes(handle.workflowId)
      ? true
      : undefined,
  );
});

it('runs the same when started without the attributes, upserting none', async () => {
  const plain = await startHarness({ withoutSearchAttributes: true });
  try {
    const handle = await plain.start({ goal: 'Plain' }, scenario);
    expect((await handle.result()).answer).toBe('searched');
    const events = (await handle.fetchHistory()).events ?? [];
    // (The SDK itself upserts TemporalChangeVersion for its patch markers; the run upserts none of its own.)
    const upserted = events.flatMap((e) =>
      Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
    );
    expect(upserted.filter((name) => name.startsWith('Agent'))).toEqual([]);
  } finally {
    await plain.shutdown();
  }
});

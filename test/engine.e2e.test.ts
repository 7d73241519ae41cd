/**
 * The engine end to end on a real Temporal dev server, through the real Anthropic and OpenAI SDKs, against
 * the fake model server.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { workspaceDirName } from '../src/tools';
import { getStateQuery } from '../workflows/messages';
import { startHarness, type Harness } from './helpers/harness';
import { fullRunScenario } from './helpers/scenarios';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

describe.each([
  ['anthropic', 'anthropic:planner-big', 'anthropic:executor-small'],
  ['openai', 'openai:planner-big', 'openai:executor-small'],
])('full run through the %s provider', (provider, plannerModel, executorModel) => {
  it('plans, writes a file, re-plans, reads it back and finishes with the answer', async () => {
    const handle = await h.start(
      { goal: 'Leave a greeting in notes.md and confirm it', options: { plannerModel, executorModel, replannerModel: plannerModel } },
      fullRunScenario(),
    );
    const result = await handle.result();

    expect(result.endReason).toBe('answered');
    expect(result.answer).toBe('The notes say "hello from s1".');
    expect(result.stepsExecuted).toBe(2);
    expect(result.replans).toBe(2);

    // The executor's write_file call really wrote into this run's workspace.
    const written = readFileSync(path.join(h.workspaceRoot, workspaceDirName(handle.workflowId), 'notes.md'), 'utf8');
    expect(written).toBe('hello from s1');

    // The re-plan changed the remaining plan: s2 dropped (skipped), s3 added and run.
    const state = await handle.query(getStateQuery);
    expect(state.status).toBe('completed');
    expect(state.plan.version).toBe(2);
    expect(state.plan.revisions.map((r) => [r.author, r.added, r.removed])).toEqual([
      ['planner', ['s1', 's2'], []],
      ['replanner', ['s3'], ['s2']],
    ]);
    expect(state.plan.steps.map((s) => [s.id, s.status])).toEqual([
      ['s1', 'done'],
      ['s2', 'skipped'],
      ['s3', 'done'],
    ]);
    expect(state.plan.steps.find((s) => s.id === 's3')?.result).toBe('notes.md says: hello from s1');

    // What reached the model server.
    const requests = h.fake.requests;
    expect(requests.every((r) => r.api === provider)).toBe(true);
    const [planRequest] = requests;
    expect(planRequest?.model).toBe('planner-big');
    expect(planRequest?.forcedTool).toBe('submit_plan');
    expect(planRequest?.toolNames).toEqual(['submit_plan']); // no executor tools for the planner
    const executorRequests = requests.filter((r) => r.text.includes('Your step:'));
    expect(executorRequests).toHaveLength(4);
    for (const r of executorRequests) {
      expect(r.model).toBe('executor-small');
      expect(r.forcedTool).toBeUndefined();
      expect(r.toolNames).toEqual(expect.arrayContaining(['read_file', 'write_file', 'list_files']));
    }
    // The tool result went back to the model, and s3 saw s1's result as its dependency.
    expect(executorRequests[1]?.lastMessageText).toContain('Wrote 13 bytes to notes.md');
    expect(executorRequests[2]?.text).toContain('Wrote notes.md with the greeting.');
    expect(executorRequests[3]?.lastMessageText).toContain('hello from s1');
    expect(requests.filter((r) => r.forcedTool === 'submit_replan').map((r) => r.model)).toEqual([
      'planner-big',
      'planner-big',
    ]);
    expect(h.fake.unusedRules()).toEqual([]);

    // Usage is kept per role and model, in the result and the state alike.
    expect(result.usage.map((u) => [u.role, u.model, u.calls])).toEqual([
      ['planner', plannerModel, 1],
      ['executor', executorModel, 4],
      ['replanner', plannerModel, 2],
    ]);
    for (const u of result.usage) expect(u.inputTokens).toBeGreaterThan(0);
    expect(state.usage).toEqual(result.usage);
  });
});

/**
 * The edges of the activities a run meets now and then: a planner that answers without calling its tool,
 * a re-planner re-asked with its problems, context reaching both planners, tool arguments too large to
 * keep, and tool arguments that are not JSON. Each is told to the model as data and the run goes on.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { workspaceDirName } from '../src/tools';
import { getStateQuery } from '../workflows/messages';
import { startHarness, type Harness } from './helpers/harness';
import { executorRule, finishRule, planRule } from './helpers/scenarios';

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

const plannerRequests = () => h.fake.requests.filter((r) => r.forcedTool === 'submit_plan');
const replannerRequests = () => h.fake.requests.filter((r) => r.forcedTool === 'submit_replan');
const executorRequestsFor = (id: string) =>
  h.fake.requests.filter((r) => r.text.includes(`Your step: ${id}:`));

describe('structured answers', () => {
  it('re-asks a planner that answered in text instead of calling submit_plan', async () => {
    const handle = await h.start(
      { goal: 'Plan in words' },
      {
        rules: [
          { name: 'prose', match: { forcedTool: 'submit_plan' }, reply: { text: 'First a, then b.' } },
          planRule([{ id: 'a', title: 'Step A' }]),
          executorRule('a', { text: 'A done' }),
          finishRule('planned on the second try'),
        ],
      },
    );
    expect((await handle.result()).answer).toBe('planned on the second try');
    expect(plannerRequests()[1]?.text).toContain(
      'Your previous answer was rejected: the model did not call submit_plan',
    );
    expect(plannerRequests()[1]?.text).toContain('First a, then b.');
  });

  it('re-asks a re-planner whose answer broke a rule, with the problems', async () => {
    const handle = await h.start(
      { goal: 'Re-plan badly once' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Step A' }]),
          executorRule('a', { text: 'A done' }),
          {
            name: 'empty-continue',
            match: { forcedTool: 'submit_replan' },
            reply: {
              toolCalls: [
                {
                  name: 'submit_replan',
                  input: { action: 'continue', reason: 'more', answer: '', remainingSteps: [] },
                },
              ],
            },
          },
          finishRule('finished after the re-ask'),
        ],
      },
    );
    expect((await handle.result()).answer).toBe('finished after the re-ask');
    expect(replannerRequests()).toHaveLength(2);
    expect(replannerRequests()[1]?.text).toContain(
      'Your previous answer was rejected: remainingSteps: must hold at least one step when action is "continue"',
    );
    expect((await handle.query(getStateQuery)).events.map((e) => e.kind)).toContain('invalid_output');
  });

  it('gives the run’s context to the planner and the re-planner', async () => {
    const handle = await h.start(
      { goal: 'Use the context', context: 'The audience is the night shift.' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Step A' }]),
          executorRule('a', { text: 'A done' }),
          finishRule('done'),
        ],
      },
    );
    await handle.result();
    expect(plannerRequests()[0]?.text).toContain('Context:\nThe audience is the night shift.');
    expect(replannerRequests()[0]?.text).toContain('Context:\nThe audience is the night shift.');
  });
});

describe('model text', () => {
  it('cuts text too long to keep in history, saying how much was cut', async () => {
    const handle = await h.start(
      { goal: 'Talk a lot' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Talk' }]),
          // Text beside a tool call is kept in history (a final summary that long goes to the workspace).
          executorRule('a', {
            text: `START ${'y'.repeat(70_000)}`,
            toolCalls: [{ name: 'write_file', input: { path: 'said.txt', content: 'said' } }],
          }),
          executorRule('a', { text: 'Said it.' }),
          finishRule('heard enough'),
        ],
      },
    );
    const result = await handle.result();
    expect(result.answer).toBe('heard enough');
    // What history kept of the executor's turn: the text cut, with the cut said at its end.
    const history = await handle.fetchHistory();
    const turns = (history.events ?? [])
      .map((e) => e.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data)
      .filter((data): data is Uint8Array => data instanceof Uint8Array)
      .map((data) => JSON.parse(Buffer.from(data).toString('utf8')) as { text?: string })
      .filter((output) => output.text?.startsWith('START'));
    expect(turns).toHaveLength(1);
    expect(turns[0]!.text!.length).toBeLessThan(64_100);
    expect(turns[0]!.text!.endsWith('[... cut at 64000 of 70006 characters]')).toBe(true);
  });
});

describe('tool arguments', () => {
  it('refuses arguments too large to keep, telling the model to split the work', async () => {
    const handle = await h.start(
      { goal: 'Write a huge file' },
      {
        rules: [
          planRule([{ id: 'a', title: 'Write' }]),
          executorRule('a', {
            toolCalls: [{ name: 'write_file', input: { path: 'big.txt', content: 'x'.repeat(300_000) } }],
          }),
          executorRule('a', { text: 'Could not write it in one go' }),
          finishRule('told to split'),
        ],
      },
    );
    expect((await handle.result()).answer).toBe('told to split');
    expect(executorRequestsFor('a')[1]?.lastMessageText).toContain(
      'Tool "write_file" was not run: arguments too large (',
    );
    expect(executorRequestsFor('a')[1]?.lastMessageText).toContain('split the work into smaller calls');
  });

  it('tells an OpenAI model its tool arguments were not JSON, and runs nothing', async () => {
    const handle = await h.start(
      { goal: 'Broken arguments', options: { executorModel: 'openai:executor-small' } },
      {
        rules: [
          planRule([{ id: 'a', title: 'Write' }]),
          executorRule('a', {
            toolCalls: [{ name: 'write_file', rawArguments: '{"path": "a.md", "content": ' }],
          }),
          executorRule('a', { text: 'Will fix my arguments' }),
          finishRule('arguments refused'),
        ],
      },
    );
    expect((await handle.result()).answer).toBe('arguments refused');
    expect(executorRequestsFor('a')[1]?.lastMessageText).toContain(
      'Tool "write_file" was not run: arguments are not valid JSON',
    );
    const state = await handle.query(getStateQuery);
    expect(state.events.filter((e) => e.kind === 'tool_error')).toHaveLength(1);
  });

  it('tells the model a tool the run does not offer is not available, naming the ones it has, and runs nothing', async () => {
    const handle = await h.start(
      { goal: 'Wrong tool', options: { tools: ['read_file', 'list_files'] } },
      {
        rules: [
          planRule([{ id: 'a', title: 'Write' }]),
          executorRule('a', { toolCalls: [{ name: 'write_file', input: { path: 'a.md', content: 'x' } }] }),
          executorRule('a', { text: 'Could not write' }),
          finishRule('tool refused'),
        ],
      },
    );
    expect((await handle.result()).answer).toBe('tool refused');
    const refusal = executorRequestsFor('a')[1]?.lastMessageText;
    expect(refusal).toContain('Tool "write_file" is not available in this run. Its tools: ');
    expect(refusal).toContain('read_file');
    expect(existsSync(path.join(h.workspaceRoot, workspaceDirName(handle.workflowId), 'a.md'))).toBe(false);
  });
});

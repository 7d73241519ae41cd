/**
 * The command-line entry points as a user runs them: `npm start` (src/cli/main.ts) and
 * `npm run agent` (src/cli/agent.ts), each in its own process.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, portAcceptsConnections } from '../src/devserver/dev-server';
import { FakeModelServer } from '../src/fake-model/server';
import { ROOT, runCli } from './helpers/cli';
import { startHarness, type Harness } from './helpers/harness';
import { continueRule, executorRule, finishRule, fullRunScenario, planRule } from './helpers/scenarios';
import { waitFor, waitForState } from './helpers/wait';

const demoScenario = JSON.parse(
  readFileSync(path.join(ROOT, 'examples/scenarios/demo.json'), 'utf8'),
) as never;

describe('npm start', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-start-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('stops at once, before starting anything, when no model key or base URL is set', async () => {
    const port = await freePort();
    const run = await runCli('src/cli/main.ts', ['Do something'], {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_DEV_DB: path.join(tmp, 'dev.db'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('set ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL');
    expect(run.stdout).not.toContain('starting the embedded dev server');
    expect(existsSync(path.join(tmp, 'dev.db'))).toBe(false);
    expect(await portAcceptsConnections('127.0.0.1', port)).toBe(false);
  });

  it('names the OpenAI variables when the models are OpenAI ones', async () => {
    const run = await runCli('src/cli/main.ts', ['Do something'], {
      PLANNER_MODEL: 'openai:gpt-4o',
      EXECUTOR_MODEL: 'openai:gpt-4o-mini',
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('set OPENAI_API_KEY (or OPENAI_BASE_URL');
  });

  it('starts the embedded dev server, runs the goal against the fake model server and prints the answer and UI link', async () => {
    const fake = new FakeModelServer(demoScenario);
    const url = await fake.start();
    try {
      const [port, uiPort] = [await freePort(), await freePort()];
      const run = await runCli('src/cli/main.ts', ['Write a note about durable agents'], {
        ANTHROPIC_BASE_URL: url,
        TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
        TEMPORAL_UI_PORT: String(uiPort),
        TEMPORAL_DEV_DB: path.join(tmp, 'dev.db'),
        WORKSPACE_ROOT: path.join(tmp, 'ws'),
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('starting the embedded dev server');
      expect(run.stdout).toMatch(/step_done +Step s3 done/);
      expect(run.stdout).toContain('ended:    answered after 2 steps and 2 re-plans');
      expect(run.stdout).toContain("notes.md is in the run's workspace");
      expect(run.stdout).toMatch(
        new RegExp(
          `Web UI: http://127\\.0\\.0\\.1:${uiPort}/namespaces/default/workflows/plan-[^/]+/[0-9a-f-]+`,
        ),
      );
      // The run was kept in the SQLite file, and the file the executor wrote is in the run's workspace.
      expect(existsSync(path.join(tmp, 'dev.db'))).toBe(true);
      const [runDir] = readdirSync(path.join(tmp, 'ws')).filter((name) => !name.startsWith('.'));
      expect(readFileSync(path.join(tmp, 'ws', runDir!, 'notes.md'), 'utf8')).toContain(
        'the executor wrote this file',
      );
      expect(fake.requests.map((r) => r.rule)).toEqual([
        'plan',
        's1-write',
        's1-summary',
        'replan-after-s1',
        's3-read',
        's3-summary',
        'finish',
      ]);
      // The embedded server was stopped on the way out.
      expect(await portAcceptsConnections('127.0.0.1', port)).toBe(false);
    } finally {
      await fake.stop();
    }
  });
});

describe('npm run agent', () => {
  let h: Harness;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness();
    env = {
      TEMPORAL_ADDRESS: h.env.address,
      TASK_QUEUE: h.taskQueue,
      PLANNER_MODEL: 'anthropic:planner-big',
      EXECUTOR_MODEL: 'anthropic:executor-small',
    };
  });
  afterAll(async () => {
    await h?.shutdown();
  });

  it('starts a run, shows its status and result, and lists it', async () => {
    h.fake.setScenario(fullRunScenario());
    h.fake.clearRequests();
    const started = await runCli(
      'src/cli/agent.ts',
      ['start', 'Leave a greeting in notes.md', '--max-steps', '5', '--json'],
      env,
    );
    expect(started.code).toBe(0);
    const { workflowId, ui } = JSON.parse(started.stdout) as { workflowId: string; ui: string };
    expect(workflowId).toMatch(/^plan-/);
    expect(ui).toContain(`/namespaces/default/workflows/${workflowId}/`);

    const result = await runCli('src/cli/agent.ts', ['result', workflowId, '--json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      workflowId,
      endReason: 'answered',
      answer: 'The notes say "hello from s1".',
    });

    const status = await runCli('src/cli/agent.ts', ['status', workflowId], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('status:   completed (answered)');
    expect(status.stdout).toContain('✓ s3 [done] Check notes');
    expect(status.stdout).toContain('v2 by replanner: A summary is not needed');

    const list = await runCli('src/cli/agent.ts', ['list', '--json'], env);
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ workflowId, execution: 'COMPLETED', status: 'completed' }),
      ]),
    );
    // Filtered by the run's own search attributes (the visibility store may lag a moment).
    await waitFor('list --status to find the run', async () => {
      const filtered = await runCli('src/cli/agent.ts', ['list', '--status', 'completed', '--json'], env);
      const rows = JSON.parse(filtered.stdout) as { workflowId: string; status: string }[];
      return rows.some((r) => r.workflowId === workflowId) && rows.every((r) => r.status === 'completed')
        ? true
        : undefined;
    });
    const waiting = await runCli('src/cli/agent.ts', ['list', '--needs-person', '--json'], env);
    expect((JSON.parse(waiting.stdout) as { workflowId: string }[]).map((r) => r.workflowId)).not.toContain(
      workflowId,
    );
    const bad = await runCli('src/cli/agent.ts', ['list', '--status', "x' OR 1=1"], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('is not a run status');

    expect(h.fake.requests[0]?.body.max_tokens).toBe(1_024);
  });

  it('start --wait shows progress and the answer', async () => {
    h.fake.setScenario(fullRunScenario());
    const run = await runCli('src/cli/agent.ts', ['start', 'Leave a greeting', '--wait'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/replanned +Plan v2/);
    expect(run.stdout).toContain('answer:\nThe notes say "hello from s1".');
  });

  it.each([
    [['start', ''], 'goal: must not be empty'],
    [['start', 'x', '--parallel', 'two'], '--parallel must be a whole number'],
    [['start', 'x', '--executor-model', 'gpt-4o'], '--executor-model: must be "provider:model"'],
    [['start', 'x', '--bogus'], "Unknown option '--bogus'"],
    [['frobnicate'], 'Unknown command "frobnicate"'],
  ])('rejects %j with exit code 2 and says what is wrong', async (args, message) => {
    const run = await runCli('src/cli/agent.ts', args, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  const agent = (...args: string[]) => runCli('src/cli/agent.ts', args, env);

  it('steers a run waiting for approval: edit, a refused edit, advice, approve, then watch it end', async () => {
    h.fake.setScenario({
      rules: [
        planRule([{ id: 'a', title: 'Step A' }]),
        executorRule('a', { text: 'A done' }),
        finishRule('too early', 'finish-1'),
        executorRule('z', { text: 'Z done' }),
        finishRule('A and Z done', 'finish-2'),
      ],
    });
    const started = await agent('start', 'Steer me', '--require-approval', '--json');
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
    const handle = h.env.client.workflow.getHandle(workflowId);
    await waitForState(handle, 'awaiting approval', (s) => s.status === 'awaiting_approval');
    // What the Web UI shows under User Metadata.
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe('Plan-and-execute: Steer me');
    expect(await description.staticDetails()).toContain('- waits for approval after planning');

    const waiting = await agent('status', workflowId);
    expect(waiting.stdout).toContain('approval: waiting');

    const edit = await agent(
      'edit',
      workflowId,
      '--add',
      'z',
      '--title',
      'Zed',
      '--instructions',
      'Do zed',
      '--after',
      'a',
      '--depends-on',
      'a',
      '--reason',
      'needed',
    );
    expect(edit.code).toBe(0);
    expect(edit.stdout).toContain('OK: plan is now version 2 (plan v2, status awaiting_approval)');

    const refused = await agent('edit', workflowId, '--remove', 'ghost');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Rejected: edit 1: unknown step id "ghost"');

    expect((await agent('edit', workflowId)).code).toBe(2);
    expect((await agent('advise', workflowId, 'Be brief.')).code).toBe(0);
    expect((await agent('approve', workflowId)).stdout).toContain('OK: approved');

    // Into a pipe, watch writes one line per change: events, the plan's steps, status changes, the end.
    const watched = await agent('watch', workflowId);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/step_done +Step z done: Z done/);
    expect(watched.stdout).toMatch(/step +z \[(pending|running|done)\] Zed \(after a\)/);
    expect(watched.stdout).toContain(
      `${workflowId} closed: COMPLETED, status completed (answered), plan v3, 2/2 steps done`,
    );
    expect(watched.stdout).not.toContain('\x1b');
    const status = await agent('status', workflowId);
    expect(status.stdout).toContain('✓ z [done] Zed  (after a)  (pinned: a person added or changed it)');
    expect(h.fake.requests.find((r) => r.text.includes('Your step: z:'))?.text).toContain('Be brief.');

    const late = await agent('cancel', workflowId);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('has already ended');
  });

  it('answers a question, pauses, resumes and cancels from the command line', async () => {
    h.fake.setScenario({
      rules: [
        planRule([
          { id: 'a', title: 'Ask' },
          { id: 'b', title: 'Slow', dependsOn: ['a'] },
        ]),
        executorRule('a', { toolCalls: [{ name: 'ask_human', input: { question: 'Which colour?' } }] }),
        executorRule('a', { text: 'Chose green' }),
        continueRule([{ id: 'b', title: 'Slow', dependsOn: ['a'] }], 'b next'),
        executorRule('b', { text: 'never' }, { delayMs: 60_000 }),
      ],
    });
    const { workflowId } = JSON.parse((await agent('start', 'Ask and wait', '--json')).stdout) as {
      workflowId: string;
    };
    const handle = h.env.client.workflow.getHandle(workflowId);
    await waitForState(handle, 'a question', (s) => s.status === 'waiting_for_human');
    expect((await agent('status', workflowId)).stdout).toContain('question: q1 from step a: Which colour?');
    expect((await agent('answer', workflowId, 'Green')).code).toBe(0);
    await waitForState(handle, 'step b running', (s) => s.runningStepIds.includes('b'));

    expect((await agent('pause', workflowId, '--reason', 'lunch')).stdout).toContain('OK: paused');
    const again = await agent('pause', workflowId);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Rejected: the run is already paused');
    expect((await agent('resume', workflowId)).stdout).toContain('OK: resumed');
    // cancel waits for the run to close and says how it ended.
    const cancelled = await agent('cancel', workflowId, '--reason', 'enough');
    expect({ code: cancelled.code, stderr: cancelled.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cancelled.stdout).toMatch(/^OK: cancelling \(plan v2, status executing\)$/m);
    expect(cancelled.stdout).toContain(
      'Ended: plan v2, status cancelled (cancelled), Temporal execution CANCELLED',
    );
    expect(cancelled.stdout).toContain('end: Cancelled by a person: enough. Steps done before that: a.');
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    // The result of a cancelled run is its end, not a crash.
    const result = await agent('result', workflowId);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'ended:    cancelled after 1 steps and 1 re-plans (Temporal execution CANCELLED)',
    );
    const status = await agent('status', workflowId, '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({
      execution: 'CANCELLED',
      endReason: 'cancelled',
      endMessage: expect.stringContaining('enough'),
    });
    expect(h.fake.requests.find((r) => r.lastMessageText.includes('A person answered: Green'))).toBeDefined();
  });

  it('says so when the run does not exist', async () => {
    const run = await runCli('src/cli/agent.ts', ['status', 'no-such-run'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no-such-run');
  });
});

/**
 * The command line at its edges: flags that mean nothing alone or are not numbers, edit files of the wrong
 * shape or with misspelt keys (all refused before anything is sent), text from a model that tries to drive
 * the terminal, removed steps, notes on edits, and watch on a terminal versus into a pipe.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PlanRuns } from '../src/client';
import { freePort } from '../src/devserver/dev-server';
import { watchCommand } from '../src/cli/watch';
import { runCli } from './helpers/cli';
import { startHarness, type Harness } from './helpers/harness';
import { executorRule, finishRule, planRule } from './helpers/scenarios';
import { waitForState } from './helpers/wait';

/** Anything that could drive a terminal: ESC, BEL, CR, a bidi override. */
// eslint-disable-next-line no-control-regex -- these characters are what the test looks for
const TERMINAL_CONTROL = /[\u001b\u0007\r\u202e]/;

describe('refused before anything is sent', () => {
  let tmp: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-flags-'));
    // Nothing listens there: a command that tried to connect would say "No Temporal server answered".
    env = { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` };
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = path.join(tmp, name);
    writeFileSync(p, text);
    return p;
  };

  it.each([
    [
      ['start', 'x', '--max-steps', '0x10'],
      '--max-steps must be a whole number written in decimal digits (like 5), got "0x10"',
    ],
    [
      ['start', 'x', '--max-steps', '1e3'],
      '--max-steps must be a whole number written in decimal digits (like 5), got "1e3"',
    ],
    [
      ['start', 'x', '--max-steps', ''],
      '--max-steps must be a whole number written in decimal digits (like 5), got ""',
    ],
    [
      ['start', 'x', '--max-steps=-1'],
      '--max-steps must be a whole number written in decimal digits (like 5), got "-1"',
    ],
    [
      ['start', 'x', '--parallel', '1.5'],
      '--parallel must be a whole number written in decimal digits (like 5), got "1.5"',
    ],
    [['start', 'x', '--max-steps', '5000'], '--max-steps: Too big: expected number to be <=1000'],
    [['list', '--limit', '1e2'], '--limit must be a whole number written in decimal digits'],
    [['start', 'x', '--approval-timeout', '60'], '--approval-timeout needs --require-approval'],
    [
      ['start', 'x', '--require-approval', '--on-approval-timeout', 'approve'],
      '--on-approval-timeout needs --approval-timeout',
    ],
    [
      ['edit', 'run-1', '--set-deps', 'b'],
      '--set-deps needs the new dependencies: --depends-on a,b ("" for none)',
    ],
    [['edit', 'run-1', '--title', 'T'], '--title needs the step it titles: --add ID or --update ID'],
    [['edit', 'run-1', '--instructions', 'I'], '--instructions needs the step: --add ID or --update ID'],
    [['edit', 'run-1', '--after', 'a', '--remove', 'b'], '--after needs the step to place: --add ID'],
    [['edit', 'run-1', '--depends-on', 'a'], '--depends-on needs the step whose dependencies these are'],
    [
      ['edit', 'run-1', '--add', 'x', '--title', 'T'],
      "--add needs the new step's instructions: --instructions TEXT",
    ],
    [
      ['edit', 'run-1', '--update', 'x'],
      '--update needs what to change: --title TEXT and/or --instructions TEXT',
    ],
    [
      ['edit', 'run-1', '--add', 'x', '--update', 'y', '--title', 'T', '--instructions', 'I'],
      'would apply to both --add and --update',
    ],
    [['pause', 'run-1', '--question', 'q1'], '--question does not apply to pause (it goes with: answer)'],
    [['status', 'run-1', '--reason', 'why'], '--reason does not apply to status'],
    [['resume', 'run-1', '--reason', 'why'], '--reason does not apply to resume'],
    [['watch', 'run-1', '--json'], '--json does not apply to watch'],
    [['advise', 'run-1', 'be', 'brief'], 'advise takes 2 arguments; unexpected: "brief"'],
  ])('%j is refused with exit code 2, naming the flag', async (args, message) => {
    const run = await runCli('src/cli/agent.ts', args, env);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('No Temporal server answered');
    expect(run.code).toBe(2);
  });

  it.each([
    ['null', 'must hold a list of ops, or an object {"ops": [...], "reason": "..."}; it holds null'],
    ['{"ops":{}}', '"ops" must be a list of ops (like [{"op": "remove", "id": "b"}]); it is an object'],
    [
      '{"ops":"add"}',
      '"ops" must be a list of ops (like [{"op": "remove", "id": "b"}]); it is a string ("add")',
    ],
    ['{"ops":[{"op":"remove","id":"b"}],"reasn":"tidy"}', 'reasn: unknown key; did you mean "reason"?'],
    [
      '[{"op":"add","step":{"id":"x","title":"T","instructions":"I","depends_on":["a"]}}]',
      'ops.0.step.depends_on: unknown key; did you mean "dependsOn"?',
    ],
    ['[{"op":"remove","id":"b","why":"x"}]', 'ops.0.why: unknown key (known keys here: op, id)'],
    ['[{"op":"frob"}]', 'ops.0.op: Invalid discriminator value'],
  ])('an edit file holding %s is refused, saying what was expected', async (content, message) => {
    const run = await runCli('src/cli/agent.ts', ['edit', 'run-1', '--file', file('ops.json', content)], env);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
  });
});

describe('what the CLI shows', () => {
  let h: Harness;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness();
    env = { TEMPORAL_ADDRESS: h.env.address, TASK_QUEUE: h.taskQueue };
  });
  afterAll(async () => {
    await h?.shutdown();
  });
  const agent = (...args: string[]) => runCli('src/cli/agent.ts', args, env);

  it('neutralises escape sequences from the model, while watch on a terminal still redraws in place', async () => {
    const evilTitle = 'Evil \x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b[2J title';
    h.fake.setScenario({
      rules: [
        planRule([{ id: 'a', title: evilTitle }]),
        executorRule('a', { text: 'done \x1b[1A\r overwritten' }),
        finishRule('The answer \x1b[2J\u202Eesrever'),
      ],
    });
    const { workflowId } = JSON.parse((await agent('start', 'Be evil', '--json')).stdout) as {
      workflowId: string;
    };
    const result = await agent('result', workflowId);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The answer ^[[2J<U+202E>esrever');
    const status = await agent('status', workflowId);
    expect(status.stdout).toContain('✓ a [done] Evil ^[[31mred^[[0m ^[]0;pwned^G ^[[2J title');
    expect(status.stdout).toContain('done ^[[1A^M overwritten');
    expect(status.stdout).not.toMatch(TERMINAL_CONTROL);
    const lines = await agent('watch', workflowId);
    expect(lines.stdout).toMatch(/step_started +Step a started: Evil \^\[\[31mred/);
    expect(lines.stdout).not.toMatch(TERMINAL_CONTROL);

    // On a terminal: the CLI's own redraw sequence, and the model's text still neutralised.
    let screen = '';
    const tty = { isTTY: true, write: (text: string) => (screen += text) };
    await watchCommand(new PlanRuns({ client: h.env.client }).get(workflowId), tty, 100);
    expect(screen.startsWith('\x1b[H\x1b[2J')).toBe(true);
    expect(screen).toContain(`${workflowId} (COMPLETED)`);
    expect(screen).toContain('[####################] 1/1 steps');
    expect(screen).toContain('Evil ^[[31mred');
    expect(screen.replaceAll('\x1b[H\x1b[2J', '')).not.toMatch(TERMINAL_CONTROL);
  });

  it('lists a removed step as removed with who and why, prints edit notes, and reports the state each command produced', async () => {
    h.fake.setScenario({
      rules: [
        planRule([
          { id: 'a', title: 'Step A' },
          { id: 'b', title: 'Step B' },
          { id: 'c', title: 'Step C' },
        ]),
      ],
    });
    const { workflowId } = JSON.parse(
      (await agent('start', 'Edit me', '--require-approval', '--json')).stdout,
    ) as {
      workflowId: string;
    };
    await waitForState(
      h.env.client.workflow.getHandle(workflowId),
      'approval',
      (s) => s.status === 'awaiting_approval',
    );

    const removed = await agent('edit', workflowId, '--remove', 'b');
    expect(removed.stdout).toBe('OK: plan is now version 2 (plan v2, status awaiting_approval)\n');
    const added = await agent(
      'edit',
      workflowId,
      '--add',
      'x',
      '--title',
      'X',
      '--instructions',
      'Do x',
      '--after',
      'a',
      '--depends-on',
      'c',
    );
    expect(added.stdout).toContain('OK: plan is now version 3 (plan v3, status awaiting_approval)');
    expect(added.stdout).toContain(
      'note: step "x" was placed after "c", which it depends on, instead of right after "a"',
    );
    expect(JSON.parse((await agent('pause', workflowId, '--json')).stdout)).toEqual({
      planVersion: 3,
      status: 'paused',
      message: 'paused',
    });
    expect((await agent('resume', workflowId)).stdout).toBe(
      'OK: resumed (plan v3, status awaiting_approval)\n',
    );
    expect((await agent('advise', workflowId, 'Be brief.')).stdout).toBe(
      'OK: noted (plan v3, status awaiting_approval)\n',
    );

    const status = await agent('status', workflowId);
    expect(status.stdout).toContain('× b [removed] Step B\n      Removed by a person in plan v2');
    expect(status.stdout).toContain('Removed by a person in plan v2: edited by a person with the CLI');
    expect(status.stdout).toContain('v2 by human: edited by a person with the CLI');
    expect(status.stdout).toContain('plan:     v3, 0/3 steps done');

    expect((await agent('reject', workflowId, '--reason', 'enough')).stdout).toBe(
      'OK: rejected (plan v3, status awaiting_approval)\n',
    );
    const lines = await agent('watch', workflowId);
    expect(lines.stdout).toMatch(
      /step +b \[removed\] Step B: Removed by a person in plan v2: edited by a person with the CLI/,
    );
    expect(lines.stdout).toMatch(/plan_edited +Plan v2 by a person: edited by a person with the CLI/);
    expect(lines.stdout.trimEnd().split('\n').at(-1)).toBe(
      `${workflowId} closed: COMPLETED, status completed (rejected), plan v3, 0/3 steps done`,
    );
  });
});

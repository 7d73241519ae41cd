/**
 * A person's approval for dangerous calls, on a real Temporal dev server: a call whose tool's policy is "ask"
 * waits durably, visible in `status` and in the Web UI's current details; `approve-call` lets it run,
 * `deny-call` gives the executor the refusal and the run goes on; both after the worker was replaced while
 * the call waited. The CLI is run as a user runs it.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Scenario } from '../src/fake-model/scenario';
import { loadToolSetup, ToolBox, workspaceDirName } from '../src/tools';
import { createWorker } from '../src/worker/create-worker';
import { planAndExecute } from '../workflows';
import { approveCallSignal } from '../workflows/call-messages';
import type { RunInput } from '../workflows/schemas';
import { getStateQuery } from '../workflows/messages';
import { RUN_WORKFLOW_TASK_TIMEOUT } from '../workflows/timeouts';
import { runCli } from './helpers/cli';
import { startHarness, type Harness } from './helpers/harness';
import { recordHistory } from './helpers/histories';
import { waitForState } from './helpers/wait';

const MODULE = path.resolve(__dirname, 'fixtures/tools/ledger-tools.ts');
const TASK_QUEUE = `approvals-${process.pid}`;
let h: Harness;
let tmp: string;
let tools: ToolBox;
let worker: { worker: Worker; running: Promise<void> } | undefined;

beforeAll(async () => {
  h = await startHarness();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-approve-'));
  tools = ToolBox.fromSetup(loadToolSetup({ modules: [MODULE] }));
});
afterAll(async () => {
  await stopWorker();
  await h?.shutdown();
  await tools?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function startWorker(): Promise<void> {
  const created = await createWorker({
    connection: h.env.nativeConnection,
    namespace: 'default',
    config: { ...h.config, taskQueue: TASK_QUEUE, workspaceRoot: path.join(tmp, 'ws') },
    tools,
    ...h.workerBundle(),
  });
  worker = { worker: created, running: created.run() };
}

async function stopWorker(): Promise<void> {
  if (!worker) return;
  worker.worker.shutdown();
  await worker.running;
  worker = undefined;
}

/** The worker goes away while the call waits, and a new one takes over. */
async function replaceWorker(): Promise<void> {
  await stopWorker();
  await startWorker();
}

const cli = (...args: string[]) => runCli('src/cli/agent.ts', args, { TEMPORAL_ADDRESS: h.env.address });

let runs = 0;
async function start(input: RunInput, scenario: Scenario): Promise<WorkflowHandle<typeof planAndExecute>> {
  h.fake.setScenario(scenario);
  h.fake.clearRequests();
  return h.env.client.workflow.start(planAndExecute, {
    taskQueue: TASK_QUEUE,
    workflowId: `approve-${Date.now()}-${++runs}`,
    args: [input],
    workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT,
  });
}

/** s1 sends one mail (send_mail: a side-effecting tool, so "ask" by default), then sums up what it saw. */
function mailScenario(answer: string): Scenario {
  return {
    rules: [
      {
        match: { forcedTool: 'submit_plan' },
        reply: {
          toolCalls: [
            {
              name: 'submit_plan',
              input: {
                steps: [{ id: 's1', title: 'Mail Ann', instructions: 'Use send_mail', dependsOn: [] }],
              },
            },
          ],
        },
      },
      {
        name: 'mail',
        match: { lastMessageContains: 'Your step: s1:' },
        reply: {
          toolCalls: [{ name: 'send_mail', input: { to: 'ann@example.com', text: 'The launch moved.' } }],
        },
      },
      { name: 'summary', match: { contains: 'Your step: s1:' }, reply: { text: 'Handled the mail.' } },
      {
        match: { forcedTool: 'submit_replan' },
        reply: {
          toolCalls: [
            {
              name: 'submit_replan',
              input: { action: 'finish', reason: 'done', answer, remainingSteps: [] },
            },
          ],
        },
      },
    ],
  };
}

const outbox = (handle: WorkflowHandle): string => {
  const file = path.join(tmp, 'ws', workspaceDirName(handle.workflowId), 'outbox.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};
const summaryRequest = () => h.fake.requests.find((r) => r.rule === 'summary');
const waiting = (handle: WorkflowHandle) =>
  waitForState(handle, 'the call to wait for approval', (s) => s.pendingCalls.length === 1);

describe('a call whose policy is "ask"', () => {
  beforeAll(startWorker);

  it('waits, visible in status and the Web UI; approve-call lets it run, after a worker restart', async () => {
    const handle = await start({ goal: 'Tell Ann' }, mailScenario('told'));
    const state = await waiting(handle);
    expect(state.status).toBe('waiting_for_human');
    expect(state.pendingCalls[0]).toMatchObject({
      id: 's1.1.0',
      stepId: 's1',
      tool: 'send_mail',
      kind: 'side-effect',
      arguments: '{"to":"ann@example.com","text":"The launch moved."}',
    });
    expect(outbox(handle)).toBe('');

    const status = await cli('status', handle.workflowId);
    expect(status.stdout).toContain('status:   waiting_for_human');
    expect(status.stdout).toContain(
      'call:     s1.1.0 from step s1 waits for approval: send_mail {"to":"ann@example.com","text":"The launch moved."}',
    );
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain('**Call waiting for approval (s1.1.0, step s1):** `send_mail`');

    await replaceWorker();
    const approved = await cli('approve-call', handle.workflowId, 's1.1.0', '--reason', 'fine');
    expect(approved.stdout).toContain('OK: approved s1.1.0');
    expect((await handle.result()).answer).toBe('told');
    expect(outbox(handle)).toBe('ann@example.com: The launch moved.\n');
    expect(summaryRequest()?.lastMessageText).toContain('Sent to ann@example.com');
    await recordHistory(handle, 'call-approved', h.env.address);
  });

  it('deny-call, after a worker restart, gives the executor the refusal and the run goes on', async () => {
    const handle = await start({ goal: 'Tell Ann' }, mailScenario('not told'));
    await waiting(handle);
    await replaceWorker();
    const denied = await cli(
      'deny-call',
      handle.workflowId,
      's1.1.0',
      '--reason',
      'not before the board meets',
    );
    expect(denied.stdout).toContain('OK: denied s1.1.0');
    const result = await handle.result();
    expect(result.answer).toBe('not told');
    expect(result.plan.steps[0]?.status).toBe('done');
    expect(outbox(handle)).toBe('');
    expect(summaryRequest()?.lastMessageText).toContain(
      'The call of send_mail was refused: a person denied it: not before the board meets',
    );
    // The decision is made once: the same call cannot be decided again.
    const again = await cli('approve-call', handle.workflowId, 's1.1.0');
    expect(again.code).toBe(1);
    await recordHistory(handle, 'call-denied', h.env.address);
  });

  it('refuses a decision on a call that is not waiting, naming the ones that are', async () => {
    const handle = await start({ goal: 'Tell Ann' }, mailScenario('told'));
    await waiting(handle);
    const wrong = await cli('deny-call', handle.workflowId, 's9.1.0', '--reason', 'x');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr + wrong.stdout).toContain(
      'call "s9.1.0" is not waiting for approval; waiting: s1.1.0 (send_mail)',
    );
    // A signal (what the Web UI can send) decides it too.
    await handle.signal(approveCallSignal, { callId: 's1.1.0' });
    expect((await handle.result()).answer).toBe('told');
    expect(outbox(handle)).toContain('ann@example.com');
  });

  it('is refused when nobody decides within callApprovalTimeoutSeconds', async () => {
    const handle = await start(
      { goal: 'Tell Ann', options: { callApprovalTimeoutSeconds: 1 } },
      mailScenario('timed out'),
    );
    expect((await handle.result()).answer).toBe('timed out');
    expect(outbox(handle)).toBe('');
    expect(summaryRequest()?.lastMessageText).toContain('no person approved it within 1 s');
  });

  it('runs when nobody decides in time and the run says onCallApprovalTimeout "allow"', async () => {
    const handle = await start(
      { goal: 'Tell Ann', options: { callApprovalTimeoutSeconds: 1, onCallApprovalTimeout: 'allow' } },
      mailScenario('told after the wait'),
    );
    expect((await handle.result()).answer).toBe('told after the wait');
    expect(outbox(handle)).toContain('ann@example.com');
    const state = await handle.query(getStateQuery);
    expect(state.events.map((e) => e.message)).toContain(
      'No decision on s1.1.0 within 1 s; it runs, as options.onCallApprovalTimeout says.',
    );
  });

  it('runs without asking when the run allows the tool, and never when it denies it', async () => {
    const allowed = await start(
      { goal: 'Tell Ann', options: { toolPolicy: { 'send_*': 'allow' } } },
      mailScenario('told'),
    );
    expect((await allowed.result()).answer).toBe('told');
    expect(outbox(allowed)).toContain('ann@example.com');

    const denied = await start(
      { goal: 'Tell Ann', options: { toolPolicy: { send_mail: 'deny' } } },
      mailScenario('no'),
    );
    expect((await denied.result()).answer).toBe('no');
    expect(outbox(denied)).toBe('');
    const request = summaryRequest();
    expect(request?.toolNames).not.toContain('send_mail'); // not offered at all...
    expect(request?.lastMessageText).toContain('may not be used in this run (policy "deny"'); // ...and refused
  });
});

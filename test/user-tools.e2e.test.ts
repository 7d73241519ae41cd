/**
 * Users' own tools and crashes during tool calls, with workers in their own processes (the real entry point,
 * `npm run worker -- --tools <module> --mcp-config <file>`), on a real Temporal dev server:
 * - a tool module loaded by path, used by a run;
 * - a worker SIGKILLed in the middle of a call: a side-effecting tool that honours its idempotency key is run
 *   again and charges once; one that does not is not run again (the step goes to the re-planner); a
 *   read-only MCP tool is simply run again;
 * - a worker killed after a side-effecting tool did its effect and its result was stored, before the server
 *   heard (issue 16): the retry gets the stored result, the effect happens once, under one idempotency key.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Scenario } from '../src/fake-model/scenario';
import { workspaceDirName } from '../src/tools';
import { planAndExecute } from '../workflows';
import type { RunInput } from '../workflows/schemas';
import { RUN_WORKFLOW_TASK_TIMEOUT } from '../workflows/timeouts';
import { startHarness, type Harness } from './helpers/harness';
import { EVERYTHING, receivedMessages, recordedStdioEntry, writeMcpConfig } from './helpers/mcp-servers';
import { startToolWorker, stopToolWorker, type ToolWorker } from './helpers/tool-worker';
import { waitFor } from './helpers/wait';

const MODULE = path.resolve(__dirname, 'fixtures/tools/ledger-tools.ts');
let h: Harness;
let tmp: string;
let mcpConfig: string;
let stdinLog: string;
const workers: ToolWorker[] = [];

beforeAll(async () => {
  h = await startHarness();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-usertools-'));
  stdinLog = path.join(tmp, 'everything-stdin.log');
  mcpConfig = writeMcpConfig(path.join(tmp, 'mcp.json'), {
    everything: recordedStdioEntry(EVERYTHING, stdinLog),
  });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => stopToolWorker(w)));
  await h?.shutdown();
  rmSync(tmp, { recursive: true, force: true });
});

let queues = 0;
/** One test's world: its task queue, and workers started on it with the module and the MCP config. */
function world(name: string) {
  const taskQueue = `${name}-${process.pid}-${++queues}`;
  const workspaceRoot = path.join(tmp, 'ws');
  const drillLog = path.join(tmp, `${name}-drill.log`);
  const worker = async (killAfterStore?: string[]): Promise<ToolWorker> => {
    const started = startToolWorker({
      address: h.env.address,
      taskQueue,
      workspaceRoot,
      modelBaseUrl: h.fake.url,
      flags: ['--tools', MODULE, '--mcp-config', mcpConfig],
      ...(killAfterStore ? { killAfterStore, drillLog } : {}),
    });
    workers.push(started);
    await started.ready;
    return started;
  };
  const start = async (
    input: RunInput,
    scenario: Scenario,
  ): Promise<WorkflowHandle<typeof planAndExecute>> => {
    h.fake.setScenario(scenario);
    return h.env.client.workflow.start(planAndExecute, {
      taskQueue,
      workflowId: `${name}-${Date.now()}`,
      args: [input],
      workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT,
    });
  };
  const file = (handle: WorkflowHandle, name: string): string => {
    const full = path.join(workspaceRoot, workspaceDirName(handle.workflowId), name);
    return existsSync(full) ? readFileSync(full, 'utf8') : '';
  };
  const lines = (handle: WorkflowHandle, name: string) => file(handle, name).split('\n').filter(Boolean);
  return { worker, start, file, lines, drillLog };
}

/** Whether a request to the fake model server came from `handle`'s run (by its idempotency key). */
const ofRun = (request: { idempotencyKey?: string }, handle: WorkflowHandle): boolean =>
  request.idempotencyKey?.startsWith(`${handle.workflowId}@`) === true;

/** One step that makes one tool call, then answers; the re-planner finishes with `answer`. */
function oneCallScenario(tool: string, input: unknown, answer: string): Scenario {
  return {
    rules: [
      {
        match: { forcedTool: 'submit_plan' },
        repeat: true,
        reply: {
          toolCalls: [
            {
              name: 'submit_plan',
              input: { steps: [{ id: 's1', title: 'Act', instructions: `Call ${tool}`, dependsOn: [] }] },
            },
          ],
        },
      },
      {
        name: 'call',
        match: { lastMessageContains: 'Your step: s1:' },
        repeat: true,
        reply: { toolCalls: [{ name: tool, input }] },
      },
      { name: 'summary', match: { contains: 'Your step: s1:' }, repeat: true, reply: { text: 'Step done.' } },
      {
        name: 'finish',
        match: { forcedTool: 'submit_replan' },
        repeat: true,
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

/** Attempts of the `tool` activity as history kept them: the attempt that completed, and the key it had. */
async function toolAttempts(
  handle: WorkflowHandle,
): Promise<{ tool: string; key: string; attempt: number }[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<string, { tool: string; key: string }>();
  const attempts: { tool: string; key: string; attempt: number }[] = [];
  for (const e of events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name === 'tool') {
      const input = defaultPayloadConverter.fromPayload<{ call: { name: string }; idempotencyKey: string }>(
        a.input!.payloads![0]!,
      );
      scheduled.set(String(e.eventId), { tool: input.call.name, key: input.idempotencyKey });
    }
    const started = e.activityTaskStartedEventAttributes;
    const call = started && scheduled.get(String(started.scheduledEventId));
    if (call) attempts.push({ ...call, attempt: started.attempt ?? 1 });
  }
  return attempts;
}

describe('a tool module loaded by path into a worker', () => {
  it('is offered to the executor and used by a run', async () => {
    const w = world('module');
    const worker = await w.worker();
    expect(worker.output()).toContain('local tools');
    const handle = await w.start(
      { goal: 'Count and charge' },
      {
        rules: [
          {
            match: { forcedTool: 'submit_plan' },
            reply: {
              toolCalls: [
                {
                  name: 'submit_plan',
                  input: {
                    steps: [{ id: 's1', title: 'Count and charge', instructions: 'x', dependsOn: [] }],
                  },
                },
              ],
            },
          },
          {
            match: { contains: 'Your step: s1:' },
            reply: {
              toolCalls: [
                { name: 'word_count', input: { text: 'one two three four five' } },
                { name: 'charge_card', input: { amount: 12 } },
              ],
            },
          },
          { match: { contains: 'Your step: s1:' }, reply: { text: 'Counted and charged.' } },
          {
            match: { forcedTool: 'submit_replan' },
            reply: {
              toolCalls: [
                {
                  name: 'submit_replan',
                  input: { action: 'finish', reason: 'done', answer: 'counted', remainingSteps: [] },
                },
              ],
            },
          },
        ],
      },
    );
    expect((await handle.result()).answer).toBe('counted');
    const requests = h.fake.requests.filter((r) => r.text.includes('Your step: s1:'));
    expect(requests[0]?.toolNames).toEqual(
      expect.arrayContaining(['word_count', 'charge_card', 'send_mail']),
    );
    expect(requests[1]?.lastMessageText).toContain('5 words');
    expect(requests[1]?.lastMessageText).toMatch(/Charged 12: receipt-\w+/);
    expect(w.lines(handle, 'charges.log')).toHaveLength(1);
  });
});

describe('a worker SIGKILLed during a tool call', () => {
  it('runs a side-effecting tool that honours its idempotency key again, and it charges once', async () => {
    const w = world('charge');
    const first = await w.worker();
    const handle = await w.start(
      { goal: 'Charge once' },
      oneCallScenario('charge_card', { amount: 30, confirmMs: 5_000 }, 'charged'),
    );
    // The charge is made; the worker dies while the call waits for the confirmation.
    await waitFor('the charge', () => (w.lines(handle, 'charges.log').length === 1 ? true : undefined));
    first.child.kill('SIGKILL');
    await first.exited;
    await w.worker();
    expect((await handle.result()).answer).toBe('charged');

    const [charge] = w.lines(handle, 'charges.log');
    expect(w.lines(handle, 'charges.log')).toHaveLength(1);
    const calls = w.lines(handle, 'calls.log').filter((l) => l.startsWith('charge_card'));
    expect(calls).toHaveLength(2); // the call ran again on the new worker...
    const keys = new Set(calls.map((l) => l.split(' ')[2]));
    expect(keys.size).toBe(1); // ...with the same key...
    expect(charge?.startsWith(`${[...keys][0]} `)).toBe(true);
    // ...and the executor saw the first charge's receipt.
    const summary = h.fake.requests.find((r) => r.rule === 'summary' && ofRun(r, handle));
    expect(summary?.lastMessageText).toContain(charge?.split(' ')[1]);
    expect(summary?.lastMessageText).toContain('already charged earlier with this key');
  });

  it('does not run a side-effecting tool that ignores the key again: the step goes to the re-planner', async () => {
    const w = world('mail');
    const first = await w.worker();
    const handle = await w.start(
      { goal: 'Mail once', options: { toolPolicy: { send_mail: 'allow' } } },
      oneCallScenario('send_mail', { to: 'ann@example.com', text: 'hi', confirmMs: 5_000 }, 'handled'),
    );
    await waitFor('the mail', () => (w.lines(handle, 'outbox.log').length === 1 ? true : undefined));
    first.child.kill('SIGKILL');
    await first.exited;
    await w.worker();
    const result = await handle.result();
    expect(result.answer).toBe('handled');
    expect(w.lines(handle, 'outbox.log')).toEqual(['ann@example.com: hi']);
    expect(w.lines(handle, 'calls.log').filter((l) => l.startsWith('send_mail'))).toHaveLength(1);
    expect(result.plan.steps[0]).toMatchObject({ id: 's1', status: 'failed' });
    const replan = h.fake.requests.find((r) => r.forcedTool === 'submit_replan' && ofRun(r, handle));
    expect(replan?.text).toContain('Tool "send_mail" (kind side-effect');
    expect(replan?.text).toContain('was cut off during an earlier attempt of this call');
    expect(replan?.text).toContain('may or may not have taken effect');
  });

  it('runs a read-only MCP tool again on the new worker, and the run finishes', async () => {
    const w = world('mcplong');
    const first = await w.worker();
    const handle = await w.start(
      { goal: 'Wait long' },
      oneCallScenario('everything__trigger-long-running-operation', { duration: 5, steps: 5 }, 'waited'),
    );
    const isLongCall = (m: { method?: string; params?: Record<string, unknown> }) =>
      m.method === 'tools/call' &&
      (m.params?._meta as { idempotencyKey?: string } | undefined)?.idempotencyKey?.startsWith(
        `${handle.workflowId}@`,
      ) === true;
    await waitFor('the MCP call', () => (receivedMessages(stdinLog).some(isLongCall) ? true : undefined));
    first.child.kill('SIGKILL');
    await first.exited;
    await w.worker();
    expect((await handle.result()).answer).toBe('waited');
    const calls = receivedMessages(stdinLog).filter(isLongCall);
    expect(calls).toHaveLength(2);
    expect(
      new Set(calls.map((c) => (c.params?._meta as { idempotencyKey?: string }).idempotencyKey)).size,
    ).toBe(1);
    const summary = h.fake.requests.find((r) => r.rule === 'summary' && ofRun(r, handle));
    expect(summary?.lastMessageText).toContain('Long running operation completed');
  });
});

describe('a worker killed after a side-effecting tool stored its result, before the server heard', () => {
  it('gets the stored result back on the retry: the effect happens once, under one idempotency key', async () => {
    const w = world('stored');
    const dying = await w.worker(['send_mail']);
    const handle = await w.start(
      { goal: 'Mail once', options: { toolPolicy: { send_mail: 'allow' } } },
      oneCallScenario('send_mail', { to: 'bo@example.com', text: 'once' }, 'mailed'),
    );
    expect(await dying.exited).toBe('SIGKILL');
    await w.worker();
    expect((await handle.result()).answer).toBe('mailed');

    // The effect happened once, on the worker that died.
    expect(w.lines(handle, 'outbox.log')).toEqual(['bo@example.com: once']);
    const calls = w.lines(handle, 'calls.log').filter((l) => l.startsWith('send_mail'));
    expect(calls).toHaveLength(1);
    const [, attempt, keyOfEffect, pid] = calls[0]!.split(' ');
    expect(attempt).toBe('1');
    expect(pid).toBe(String(dying.child.pid));
    // The server retried the call; the attempt that completed had the key the effect was done under.
    const attempts = await toolAttempts(handle);
    expect(attempts).toEqual([{ tool: 'send_mail', key: keyOfEffect, attempt: 2 }]);
    const stored = readFileSync(w.drillLog, 'utf8')
      .split('\n')
      .find((l) => l.includes(` stored send_mail ${keyOfEffect} `));
    expect(stored).toBeDefined();
    // The model saw the stored result.
    const summary = h.fake.requests.find((r) => r.rule === 'summary' && ofRun(r, handle));
    expect(summary?.lastMessageText).toContain('Sent to bo@example.com');
  });
});

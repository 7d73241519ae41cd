/**
 * A run keeps the tool catalogue it planned with. When an MCP server is upgraded while a run is under way
 * and one of its tools changed, the run's next call of that tool fails with the reason named, the tool is
 * not called, and the step goes to the re-planner. Real releases of @modelcontextprotocol/server-filesystem:
 * 2026.1.14 marks move_file as not destructive, 2026.8.31 marks it destructive.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { loadToolSetup, ToolBox } from '../src/tools';
import { createWorker } from '../src/worker/create-worker';
import { planAndExecute } from '../workflows';
import { approveCallUpdate } from '../workflows/call-messages';
import { RUN_WORKFLOW_TASK_TIMEOUT } from '../workflows/timeouts';
import { startHarness, type Harness } from './helpers/harness';
import {
  FILESYSTEM,
  FILESYSTEM_2026_01,
  receivedMessages,
  recordedStdioEntry,
  stdioEntry,
  writeMcpConfig,
} from './helpers/mcp-servers';
import { waitForState } from './helpers/wait';

const TASK_QUEUE = `upgrade-${process.pid}`;
let h: Harness;
let tmp: string;
let files: string;
const boxes: ToolBox[] = [];

beforeAll(async () => {
  h = await startHarness();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-upgrade-'));
  files = path.join(tmp, 'files');
  mkdirSync(files);
  writeFileSync(path.join(files, 'draft.md'), 'draft');
});
afterAll(async () => {
  await h?.shutdown();
  await Promise.all(boxes.map((b) => b.close()));
  rmSync(tmp, { recursive: true, force: true });
});

/** A worker with the given MCP servers. */
async function workerWith(
  servers: Record<string, Record<string, unknown>>,
  name: string,
): Promise<{ worker: Worker; running: Promise<void> }> {
  const tools = ToolBox.fromSetup(
    loadToolSetup({ mcpConfigFile: writeMcpConfig(path.join(tmp, `${name}.json`), servers) }),
  );
  boxes.push(tools);
  const worker = await createWorker({
    connection: h.env.nativeConnection,
    namespace: 'default',
    config: { ...h.config, taskQueue: TASK_QUEUE },
    tools,
    ...h.workerBundle(),
  });
  return { worker, running: worker.run() };
}

/**
 * Plan one step that moves draft.md with fs__move_file, on a worker whose "fs" is the 2026.1.14 release; the
 * run asks a person to approve moves, so the call waits. Then that worker is replaced by one with `servers`,
 * the call is approved, and the run ends. Returns the result and the re-planner's request.
 */
async function moveAfterReplacing(servers: Record<string, Record<string, unknown>>, name: string) {
  const source = path.join(files, 'draft.md');
  h.fake.setScenario({
    rules: [
      {
        match: { forcedTool: 'submit_plan' },
        reply: {
          toolCalls: [
            {
              name: 'submit_plan',
              input: {
                steps: [{ id: 'mv', title: 'Publish', instructions: 'Use fs__move_file', dependsOn: [] }],
              },
            },
          ],
        },
      },
      {
        match: { contains: 'Your step: mv:' },
        reply: {
          toolCalls: [
            { name: 'fs__move_file', input: { source, destination: path.join(files, 'final.md') } },
          ],
        },
      },
      {
        name: 'replan',
        match: { forcedTool: 'submit_replan' },
        reply: {
          toolCalls: [
            {
              name: 'submit_replan',
              input: {
                action: 'finish',
                reason: 'the tool changed',
                answer: 'not moved',
                remainingSteps: [],
              },
            },
          ],
        },
      },
    ],
  });
  h.fake.clearRequests();
  const old = await workerWith({ fs: stdioEntry(FILESYSTEM_2026_01, [files]) }, `${name}-old`);
  const handle = await h.env.client.workflow.start(planAndExecute, {
    taskQueue: TASK_QUEUE,
    workflowId: `upgrade-${name}-${Date.now()}`,
    args: [{ goal: 'Publish the draft', options: { toolPolicy: { fs__move_file: 'ask' } } }],
    workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT,
  });
  const waiting = await waitForState(
    handle,
    'the move to wait for approval',
    (s) => s.pendingCalls.length === 1,
  );
  expect(waiting.tools?.tools.find((t) => t.name === 'fs__move_file')?.schemaHash).toMatch(
    /:side-effect:allow$/,
  );
  old.worker.shutdown();
  await old.running;
  const replaced = await workerWith(servers, `${name}-new`);
  try {
    await handle.executeUpdate(approveCallUpdate, { args: [{ callId: 'mv.1.0' }] });
    const result = await handle.result();
    return { result, replan: h.fake.requests.find((r) => r.rule === 'replan')?.text ?? '' };
  } finally {
    replaced.worker.shutdown();
    await replaced.running;
  }
}

it('refuses the call of a tool that changed since the run planned, and the re-planner hears why', async () => {
  const newServerLog = path.join(tmp, 'new-server-stdin.log');
  const { result, replan } = await moveAfterReplacing(
    { fs: recordedStdioEntry(FILESYSTEM, newServerLog, [files]) },
    'changed',
  );
  expect(result.answer).toBe('not moved');
  expect(result.plan.steps[0]).toMatchObject({ id: 'mv', status: 'failed' });
  const reason =
    'Tool "fs__move_file" changed since this run planned with it (MCP server fs: its default policy is "ask" now, "allow" then (it is now marked as possibly destructive)); it was not called';
  expect(result.plan.steps[0]?.result).toContain(reason);
  expect(replan).toContain(reason);
  // Not called: the file did not move, and the new server got no call.
  expect(existsSync(path.join(files, 'draft.md'))).toBe(true);
  expect(existsSync(path.join(files, 'final.md'))).toBe(false);
  expect(receivedMessages(newServerLog).filter((m) => m.method === 'tools/call')).toEqual([]);
});

it('refuses the call of a tool that disappeared since the run planned', async () => {
  const { result, replan } = await moveAfterReplacing({}, 'gone');
  expect(result.plan.steps[0]).toMatchObject({ id: 'mv', status: 'failed' });
  expect(replan).toContain('Tool "fs__move_file" is no longer offered by the worker');
  expect(existsSync(path.join(files, 'draft.md'))).toBe(true);
});

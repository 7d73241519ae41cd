/**
 * MCP servers as tool sources, end to end on a real Temporal dev server with real third-party servers from
 * npm: server-everything over stdio and over Streamable HTTP, server-filesystem over stdio. Through the fake
 * model server: the planner and executor are offered their tools, the executor calls several, their results
 * reach the next model request; a long tool's progress shows as heartbeats; cancelling the run sends the MCP
 * cancellation; a run's allow-list limits what the executor is offered.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CancelledFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadToolSetup, ToolBox, workspaceDirName } from '../src/tools';
import { getStateQuery } from '../workflows/messages';
import { startHarness, type Harness } from './helpers/harness';
import {
  EVERYTHING,
  FILESYSTEM,
  receivedMessages,
  recordedStdioEntry,
  startEverythingHttp,
  stdioEntry,
  writeMcpConfig,
  type HttpServer,
} from './helpers/mcp-servers';
import { executorRule, finishRule, planRule } from './helpers/scenarios';
import { waitFor } from './helpers/wait';

let h: Harness;
let tools: ToolBox;
let web: HttpServer;
let tmp: string;
let files: string;
let stdinLog: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-mcp-'));
  files = path.join(tmp, 'files');
  mkdirSync(files);
  writeFileSync(path.join(files, 'notes.txt'), 'The launch is on Tuesday.');
  stdinLog = path.join(tmp, 'everything-stdin.log');
  web = await startEverythingHttp();
  const config = writeMcpConfig(path.join(tmp, 'mcp.json'), {
    everything: recordedStdioEntry(EVERYTHING, stdinLog),
    web: { url: web.url },
    fs: stdioEntry(FILESYSTEM, [files]),
  });
  tools = ToolBox.fromSetup(loadToolSetup({ mcpConfigFile: config }));
  h = await startHarness({ tools });
});
afterAll(async () => {
  await h?.shutdown();
  await tools?.close();
  await web?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const executorRequests = (step: string) =>
  h.fake.requests.filter((r) => r.text.includes(`Your step: ${step}:`));

/** Activities of type `tool` scheduled as regular activities (local ones are markers), by tool name. */
async function regularToolCalls(handle: WorkflowHandle): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).flatMap((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name !== 'tool') return [];
    const input = defaultPayloadConverter.fromPayload<{ call: { name: string } }>(a.input!.payloads![0]!);
    return [input.call.name];
  });
}

describe('a run with three MCP servers', () => {
  it('offers their tools, calls several, and their results reach the next model request', async () => {
    const notes = path.join(files, 'notes.txt');
    const handle = await h.start(
      { goal: 'Gather facts' },
      {
        rules: [
          planRule([
            { id: 's1', title: 'Gather', instructions: 'Use everything__echo, web__get-sum and fs tools' },
          ]),
          executorRule('s1', {
            toolCalls: [
              { name: 'everything__echo', input: { message: 'hello over stdio' } },
              { name: 'web__get-sum', input: { a: 2, b: 3 } },
              { name: 'fs__read_text_file', input: { path: notes } },
              { name: 'everything__get-tiny-image', input: {} },
            ],
          }),
          executorRule('s1', { text: 'Gathered.' }),
          finishRule('gathered'),
        ],
      },
    );
    const result = await handle.result();
    expect(result.answer).toBe('gathered');

    // The planner was told of the tools, with their one-line descriptions.
    const planner = h.fake.requests.find((r) => r.forcedTool === 'submit_plan');
    expect(planner?.text).toContain('- everything__echo: Echoes back the input string');
    expect(planner?.text).toContain('- web__get-sum:');
    expect(planner?.text).toContain('- fs__read_text_file:');

    // The executor was offered the tools of all three servers besides the built-ins.
    const [first, second] = executorRequests('s1');
    expect(first?.toolNames).toEqual(
      expect.arrayContaining([
        'read_file',
        'ask_human',
        'everything__echo',
        'web__get-sum',
        'fs__read_text_file',
      ]),
    );
    // Every result reached the next request.
    expect(second?.lastMessageText).toContain('Echo: hello over stdio');
    expect(second?.lastMessageText).toContain('The sum of 2 and 3 is 5');
    expect(second?.lastMessageText).toContain('The launch is on Tuesday.');
    const image = /saved in the workspace as (outputs\/\S+\.png)\]/.exec(second?.lastMessageText ?? '');
    expect(image).not.toBeNull();
    const png = readFileSync(path.join(h.workspaceRoot, workspaceDirName(handle.workflowId), image![1]!));
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    // Each MCP call was its own regular activity, and carried the call's idempotency key in _meta.
    expect(await regularToolCalls(handle)).toEqual([
      'everything__echo',
      'web__get-sum',
      'fs__read_text_file',
      'everything__get-tiny-image',
    ]);
    const echo = receivedMessages(stdinLog).find(
      (m) =>
        m.method === 'tools/call' &&
        (m.params?.arguments as { message?: string })?.message === 'hello over stdio',
    );
    expect((echo?.params?._meta as { idempotencyKey?: string })?.idempotencyKey).toBe(
      `${handle.workflowId}@${(await handle.describe()).runId}/step-s1/turn-1/call-0`,
    );

    // The run keeps the catalogue it planned with.
    const state = await handle.query(getStateQuery);
    expect(state.tools?.tools.find((t) => t.name === 'fs__write_file')).toMatchObject({ policy: 'ask' });
    expect(state.events.find((e) => e.kind === 'tools_listed')?.message).toContain('fs__write_file');
  });

  it("reports a long tool's progress as heartbeats", async () => {
    const handle = await h.start(
      { goal: 'Wait for a long operation' },
      {
        rules: [
          planRule([{ id: 'long', title: 'Long operation' }]),
          executorRule('long', {
            toolCalls: [{ name: 'web__trigger-long-running-operation', input: { duration: 4, steps: 4 } }],
          }),
          executorRule('long', { text: 'Done waiting.' }),
          finishRule('waited'),
        ],
      },
    );
    const seen: unknown[] = [];
    const watching = (async () => {
      for (;;) {
        const { raw, status } = await handle.describe();
        for (const pending of raw.pendingActivities ?? []) {
          const payload = pending.heartbeatDetails?.payloads?.[0];
          if (payload) seen.push(defaultPayloadConverter.fromPayload(payload));
        }
        if (status.name !== 'RUNNING') return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    expect((await handle.result()).answer).toBe('waited');
    await watching;
    expect(seen).toEqual(expect.arrayContaining([expect.objectContaining({ total: 4 })]));
    const progress = seen
      .map((d) => (d as { progress?: number } | null)?.progress)
      .filter((p) => p !== undefined);
    expect(new Set(progress).size).toBeGreaterThan(1); // it moved while the call ran
    expect(executorRequests('long')[1]?.lastMessageText).toContain('Long running operation completed');
  });

  it('sends the MCP cancellation when the run is cancelled during a call', async () => {
    const handle = await h.start(
      { goal: 'Start something long and cancel' },
      {
        rules: [
          planRule([{ id: 'c', title: 'Long call' }]),
          executorRule('c', {
            toolCalls: [
              { name: 'everything__trigger-long-running-operation', input: { duration: 60, steps: 60 } },
            ],
          }),
        ],
      },
    );
    const call = await waitFor('the long call to reach the server', () =>
      receivedMessages(stdinLog).find(
        (m) =>
          m.method === 'tools/call' &&
          m.params?.name === 'trigger-long-running-operation' &&
          (m.params?.arguments as { duration?: number })?.duration === 60,
      ),
    );
    const requestId = (call as { id?: number }).id;
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    await handle
      .result()
      .catch((err: WorkflowFailedError) => expect(err.cause).toBeInstanceOf(CancelledFailure));
    const cancelled = await waitFor('notifications/cancelled for the call', () =>
      receivedMessages(stdinLog).find(
        (m) => m.method === 'notifications/cancelled' && m.params?.requestId === requestId,
      ),
    );
    expect(cancelled.params?.reason).toBeDefined();
  });

  it("offers only the tools a run's allow-list names (and ask_human)", async () => {
    const handle = await h.start(
      { goal: 'Read only', options: { tools: ['fs__read_*', 'fs__list_directory'] } },
      {
        rules: [
          planRule([{ id: 'r', title: 'Look' }]),
          executorRule('r', { text: 'Looked.' }),
          finishRule('looked'),
        ],
      },
    );
    await handle.result();
    expect([...(executorRequests('r')[0]?.toolNames ?? [])].sort()).toEqual([
      'ask_human',
      'fs__list_directory',
      'fs__read_file',
      'fs__read_media_file',
      'fs__read_multiple_files',
      'fs__read_text_file',
    ]);
  });
});

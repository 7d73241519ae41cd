/**
 * A run waiting for approval survives a worker restart and a dev-server restart (SQLite persistence),
 * then continues after approve.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { AppConfig } from '../src/config';
import { freePort, startDevServer, type DevServer } from '../src/devserver/dev-server';
import { findTemporalCli } from '../src/devserver/find-cli';
import { FakeModelServer } from '../src/fake-model/server';
import { createWorker } from '../src/worker/create-worker';
import { planAndExecute } from '../workflows';
import { approveUpdate, getStateQuery } from '../workflows/messages';
import { executorRule, finishRule, planRule } from './helpers/scenarios';
import { waitFor } from './helpers/wait';
import { installQuietRuntime } from './helpers/runtime';

describe('restarts while waiting for approval', () => {
  let tmp: string;
  let fake: FakeModelServer;
  let server: DevServer | undefined;
  beforeAll(async () => {
    installQuietRuntime();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-restart-'));
    fake = new FakeModelServer({
      rules: [
        planRule([{ id: 'a', title: 'Step A' }]),
        executorRule('a', { text: 'A done' }),
        finishRule('survived'),
      ],
    });
    await fake.start();
  });
  afterAll(async () => {
    await server?.stop();
    await fake.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps the run across a worker restart and a server restart, then finishes after approve', async () => {
    const port = await freePort();
    const dbFile = path.join(tmp, 'dev.db');
    const startServer = () =>
      startDevServer({ cliPath: findTemporalCli(), port, dbFile, extraArgs: ['--log-level', 'error'] });
    const config: AppConfig = {
      providers: { anthropicBaseUrl: fake.url, timeoutMs: 30_000 },
      models: { planner: 'anthropic:p', executor: 'anthropic:e', replanner: 'anthropic:p' },
      taskQueue: 'restart-test',
      workspaceRoot: path.join(tmp, 'ws'),
      maxOutputTokens: 512,
    };
    const bundle = process.env.PE_WORKFLOW_BUNDLE;
    const withWorker = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
      const nativeConnection = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
      const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
      const worker: Worker = await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        config,
        ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
      });
      try {
        return await worker.runUntil(() => work(new Client({ connection })));
      } finally {
        await connection.close();
        await nativeConnection.close();
      }
    };

    server = await startServer();
    const workflowId = `restart-${Date.now()}`;
    await withWorker(async (client) => {
      const handle = await client.workflow.start(planAndExecute, {
        taskQueue: config.taskQueue,
        workflowId,
        args: [{ goal: 'Wait for me', options: { requireApproval: true } }],
      });
      await waitFor('awaiting approval', async () =>
        (await handle.query(getStateQuery)).status === 'awaiting_approval' ? true : undefined,
      );
    });
    // Worker gone; now the server goes too, and comes back from its SQLite file.
    await server.stop();
    server = await startServer();

    const result = await withWorker(async (client) => {
      const handle = client.workflow.getHandle<typeof planAndExecute>(workflowId);
      const state = await handle.query(getStateQuery);
      expect(state.status).toBe('awaiting_approval');
      expect(state.plan.steps.map((s) => s.id)).toEqual(['a']);
      await handle.executeUpdate(approveUpdate, { args: [{}] });
      return handle.result();
    });
    expect(result.answer).toBe('survived');
    // The planner ran once in all: the restarts repeated no model call.
    expect(fake.requests.filter((r) => r.forcedTool === 'submit_plan')).toHaveLength(1);
    expect(fake.requests).toHaveLength(3);
  });
});

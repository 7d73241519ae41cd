/**
 * Real runs to look at in the Temporal Web UI, and a browser to look with: a dev server with its UI on free
 * ports, the fake model server playing examples/scenarios/demo.json, a worker, one run that finished and one
 * waiting for approval; Debian's Chromium driven by playwright-core. Used by test/web-ui.e2e.test.ts and by
 * `npm run screenshots` (scripts/screenshots.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { chromium, type BrowserContext } from 'playwright-core';
import { PlanRuns } from '../src/client/plan-runs';
import type { AppConfig } from '../src/config';
import { freePort, startDevServer, type DevServer } from '../src/devserver/dev-server';
import { findTemporalCli } from '../src/devserver/find-cli';
import { ScenarioSchema } from '../src/fake-model/scenario';
import { FakeModelServer } from '../src/fake-model/server';
import { createWorker } from '../src/worker/create-worker';
import { getStateQuery } from '../workflows/messages';

const ROOT = path.resolve(__dirname, '..');
export const DEMO_GOAL = 'Write a note about durable agents';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface DemoRun {
  workflowId: string;
  runId: string;
  /** The run's page in the Web UI. */
  url: string;
}

export interface UiDemo {
  server: DevServer;
  uiUrl: string;
  finished: DemoRun;
  waiting: DemoRun;
  close(): Promise<void>;
}

/** Start everything and make the two runs. `close()` stops it all (the worker first). */
export async function startUiDemo(): Promise<UiDemo> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-ui-'));
  const server = await startDevServer({
    cliPath: findTemporalCli(),
    port: await freePort(),
    uiPort: await freePort(),
    extraArgs: ['--log-level', 'error'],
  });
  const uiUrl = server.uiUrl ?? '';
  const scenario = ScenarioSchema.parse(
    JSON.parse(readFileSync(path.join(ROOT, 'examples/scenarios/demo.json'), 'utf8')),
  );
  const fake = new FakeModelServer(scenario);
  await fake.start();
  const taskQueue = 'web-ui-demo';
  const config: AppConfig = {
    providers: { anthropicBaseUrl: fake.url, timeoutMs: 30_000 },
    models: {
      planner: 'anthropic:claude-sonnet-4-6',
      executor: 'anthropic:claude-haiku-4-5',
      replanner: 'anthropic:claude-sonnet-4-6',
    },
    taskQueue,
    workspaceRoot: path.join(tmp, 'ws'),
    maxOutputTokens: 1_024,
  };
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const worker = await createWorker({ connection: nativeConnection, namespace: 'default', config });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  const runs = new PlanRuns({ client: new Client({ connection }), taskQueue, uiUrl });
  const close = async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await nativeConnection.close();
    await fake.stop();
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const done = await runs.start(DEMO_GOAL, { workflowId: `ui-finished-${Date.now()}` });
    await done.result();
    const waiting = await runs.start(DEMO_GOAL, {
      workflowId: `ui-waiting-${Date.now()}`,
      requireApproval: true,
    });
    const handle = runs.client.workflow.getHandle(waiting.workflowId);
    for (let i = 0; (await handle.query(getStateQuery)).status !== 'awaiting_approval'; i++) {
      if (i > 200) throw new Error('the run did not come to wait for approval');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const run = (h: { workflowId: string; firstRunId?: string; uiUrl?: string }): DemoRun => ({
      workflowId: h.workflowId,
      runId: h.firstRunId ?? '',
      url: h.uiUrl ?? '',
    });
    return { server, uiUrl, finished: run(done), waiting: run(waiting), close };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium (Debian's) with a new, empty profile, as a person's first visit. */
export async function openBrowser(viewport = { width: 1400, height: 1100 }): Promise<Browser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'pe-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

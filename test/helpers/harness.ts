/**
 * One suite's world: a real Temporal dev server on free ports (never 7233/8233), the fake model server,
 * and a worker whose activities call the real SDKs pointed at the fake server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { AppConfig } from '../../src/config';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../src/devserver/dev-server';
import { findTemporalCli } from '../../src/devserver/find-cli';
import { FakeModelServer } from '../../src/fake-model/server';
import type { Scenario } from '../../src/fake-model/scenario';
import type { ToolBox, ToolRegistry } from '../../src/tools';
import { createWorker, type CreateWorkerOptions } from '../../src/worker/create-worker';
import { planAndExecute } from '../../workflows';
import type { RunInput } from '../../workflows/schemas';
import { RUN_WORKFLOW_TASK_TIMEOUT } from '../../workflows/timeouts';
import { initialSearchAttributes } from '../../workflows/search-attributes';

import { installQuietRuntime } from './runtime';
import { SuiteWorkflowCoverage } from './workflow-coverage';

/** Stand-ins for keys (not real ones): tests look for them in history to prove keys never get there. */
export const TEST_ANTHROPIC_KEY = 'not-a-real-key-anthropic-4f9a';
export const TEST_OPENAI_KEY = 'not-a-real-key-openai-7c2e';

export interface Harness {
  env: TestWorkflowEnvironment;
  fake: FakeModelServer;
  config: AppConfig;
  workspaceRoot: string;
  taskQueue: string;
  start(
    input: RunInput,
    scenario: Scenario,
    workflowId?: string,
  ): Promise<WorkflowHandle<typeof planAndExecute>>;
  /** Start a run against the scenario already set, keeping the request log: for runs side by side. */
  startRun(input: RunInput, workflowId?: string): Promise<WorkflowHandle<typeof planAndExecute>>;
  /** Terminate every run `start` began that is still going, so a failed test leaves nothing behind. */
  endStartedRuns(): Promise<void>;
  /**
   * The bundle (and coverage sink) for a worker a test creates itself: with --coverage the instrumented
   * bundle, whose counts reach this suite's coverage as the harness's own worker's do.
   */
  workerBundle(): Pick<CreateWorkerOptions, 'workflowBundle' | 'workerOptions'>;
  /** Stop the worker (as a crash or a deploy would) and start a new one on the same server and task queue. */
  restartWorker(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface HarnessOptions {
  /** The worker's tools (a ToolBox brings MCP servers; the test closes it). Default: the built-ins. */
  tools?: ToolRegistry | ToolBox;
  /** The SDKs' HTTP timeout per model call (default 30 s). */
  modelTimeoutMs?: number;
  extraServerArgs?: string[];
  /** false: no worker in this process (the suite runs workers in their own processes). */
  inProcessWorker?: boolean;
  /** Model prices beside the built-in table (as MODEL_PRICES_FILE would give). */
  prices?: AppConfig['prices'];
  /** Start runs without the project's search attributes, as a client whose server lacks them does. */
  withoutSearchAttributes?: boolean;
}

let idCounter = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: process.env.TEMPORAL_CLI_PATH ?? findTemporalCli() },
      ip: '127.0.0.1',
      extraArgs: ['--log-level', 'error', ...DEV_SERVER_DYNAMIC_CONFIG, ...(options.extraServerArgs ?? [])],
    },
  });
  const fake = new FakeModelServer();
  const url = await fake.start();
  const workspaceRoot = mkdtempSync(path.join(os.tmpdir(), 'pe-ws-'));
  const taskQueue = `tq-${process.pid}-${Date.now()}`;
  const config: AppConfig = {
    providers: {
      anthropicBaseUrl: url,
      openaiBaseUrl: `${url}/v1`,
      // Keys the tests look for in history to prove they never get there.
      anthropicApiKey: TEST_ANTHROPIC_KEY,
      openaiApiKey: TEST_OPENAI_KEY,
      timeoutMs: options.modelTimeoutMs ?? 30_000,
    },
    models: {
      planner: 'anthropic:planner-big',
      executor: 'anthropic:executor-small',
      replanner: 'anthropic:planner-big',
    },
    taskQueue,
    workspaceRoot,
    maxOutputTokens: 1_024,
    ...(options.prices ? { prices: options.prices } : {}),
  };
  // With --coverage, the in-process worker runs the instrumented bundle and reports through its sink.
  const coverage = SuiteWorkflowCoverage.fromEnv();
  const bundlePath = coverage?.bundlePath ?? process.env.PE_WORKFLOW_BUNDLE;
  const newWorker = (): Promise<Worker> =>
    createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      config,
      ...(options.tools ? { tools: options.tools } : {}),
      ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
      ...(coverage ? { workerOptions: { sinks: coverage.sinks } } : {}),
    });
  let worker: Worker | undefined = options.inProcessWorker === false ? undefined : await newWorker();
  let running = worker?.run();
  const started: WorkflowHandle[] = [];

  const startRun = async (input: RunInput, workflowId?: string) => {
    const handle = await env.client.workflow.start(planAndExecute, {
      taskQueue,
      workflowId: workflowId ?? `test-${Date.now()}-${++idCounter}`,
      args: [input],
      workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT,
      ...(options.withoutSearchAttributes
        ? {}
        : {
            typedSearchAttributes: initialSearchAttributes([
              input.options?.plannerModel ?? config.models.planner,
              input.options?.executorModel ?? config.models.executor,
              input.options?.replannerModel ?? config.models.replanner,
            ]),
          }),
    });
    started.push(handle);
    return handle;
  };

  return {
    env,
    fake,
    config,
    workspaceRoot,
    taskQueue,
    start(input, scenario, workflowId) {
      fake.setScenario(scenario);
      fake.clearRequests();
      return startRun(input, workflowId);
    },
    startRun,
    async endStartedRuns() {
      for (const handle of started.splice(0)) {
        // Most have ended already; terminating an ended run is refused, which is fine here.
        await handle.terminate('test over').catch(() => undefined);
      }
    },
    workerBundle() {
      return {
        ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
        ...(coverage ? { workerOptions: { sinks: coverage.sinks } } : {}),
      };
    },
    async restartWorker() {
      if (!worker)
        throw new Error('restartWorker: this harness runs no worker in process (inProcessWorker: false)');
      worker.shutdown();
      await running;
      worker = await newWorker();
      running = worker.run();
    },
    async shutdown() {
      worker?.shutdown();
      await running;
      coverage?.flush();
      await env.teardown();
      await fake.stop();
      rmSync(workspaceRoot, { recursive: true, force: true });
    },
  };
}

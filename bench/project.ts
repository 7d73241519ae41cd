/**
 * This project as the bench runs it: one real Temporal dev server on a free port (persisting to a SQLite
 * file, by default with the same journal mode and sync level as the peer's checkpointer), and the worker in
 * this process with a workflow bundle built once. A batch starts `runs` workflows at once and waits for all.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import type { AppConfig } from '../src/config';
import { freePort, startDevServer, type DevServer } from '../src/devserver/dev-server';
import { findTemporalCli } from '../src/devserver/find-cli';
import type { ServerDb } from './flags';
import type { ToolBox } from '../src/tools';
import { workspaceDirName } from '../src/tools/workspace';
import { createWorker } from '../src/worker/create-worker';
import { installQuietRuntime } from '../test/helpers/runtime';
import { planAndExecute } from '../workflows';
import type { RunInput } from '../workflows/schemas';

import { RUN_WORKFLOW_TASK_TIMEOUT } from '../workflows/timeouts';
import type { RunOutcome } from './check';
import { collectSpans, summarize } from './history';
import { GOAL, PROJECT_MODELS } from './work';

export interface Batch {
  wallMs: number;
  outcomes: RunOutcome[];
  /** RSS of the process that ran the engine, right after the batch, and its peak so far. */
  rssBytes: number;
  maxRssBytes: number;
  /** Figures read from history (project) or from the checkpointer (peer), by name. */
  breakdown: Record<string, number>;
  /** Input tokens of every model call of the batch, and how many the prompt cache served (project only). */
  cache?: { inputTokens: number; cacheReadTokens: number };
}

const TASK_QUEUE = 'bench';
const WAL_PRAGMAS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=full'];

export class ProjectEngine {
  private constructor(
    private readonly server: DevServer,
    private readonly client: Client,
    private readonly workerConnection: NativeConnection,
    private readonly worker: Worker,
    private readonly running: Promise<void>,
    private readonly tmp: string,
  ) {}

  static async start(options: {
    modelBaseUrl: string;
    serverArgs: string[];
    serverDb: ServerDb;
    /** The worker's tools (the mcp workload adds an MCP server); default: the built-ins. */
    tools?: ToolBox;
  }): Promise<ProjectEngine> {
    installQuietRuntime();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-bench-project-'));
    const workspaceRoot = path.join(tmp, 'workspaces');
    const server = await startDevServer({
      cliPath: process.env.TEMPORAL_CLI_PATH ?? findTemporalCli(),
      port: await freePort(),
      ...(options.serverDb !== 'memory' ? { dbFile: path.join(tmp, 'temporal.db') } : {}),
      extraArgs: [
        '--log-level',
        'error',
        // The peer's SqliteSaver runs WAL, and better-sqlite3 keeps SQLite's synchronous FULL: the same here.
        ...(options.serverDb === 'wal' ? WAL_PRAGMAS : []),
        ...options.serverArgs,
      ],
    });
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    const config: AppConfig = {
      providers: {
        anthropicBaseUrl: options.modelBaseUrl,
        anthropicApiKey: 'not-a-real-key-bench',
        timeoutMs: 30_000,
      },
      models: {
        planner: `anthropic:${PROJECT_MODELS.planner}`,
        executor: `anthropic:${PROJECT_MODELS.executor}`,
        replanner: `anthropic:${PROJECT_MODELS.planner}`,
      },
      taskQueue: TASK_QUEUE,
      workspaceRoot,
      maxOutputTokens: 256,
    };
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    });
    const workerConnection = await NativeConnection.connect({ address: server.address });
    const worker = await createWorker({
      connection: workerConnection,
      namespace: 'default',
      config,
      workflowBundle: { code },
      ...(options.tools ? { tools: options.tools } : {}),
    });
    return new ProjectEngine(server, client, workerConnection, worker, worker.run(), tmp);
  }

  private get workspaceRoot(): string {
    return path.join(this.tmp, 'workspaces');
  }

  async runBatch(label: string, runs: number, steps: number): Promise<Batch> {
    const client = this.client;
    const started = performance.now();
    const handles = await Promise.all(
      Array.from({ length: runs }, (_, i) =>
        client.workflow.start(planAndExecute, {
          taskQueue: TASK_QUEUE,
          workflowId: `${label}-${i + 1}`,
          // As the project's own clients start runs.
          workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT,
          args: [
            {
              goal: GOAL,
              options: {
                plannerModel: `anthropic:${PROJECT_MODELS.planner}`,
                executorModel: `anthropic:${PROJECT_MODELS.executor}`,
                replannerModel: `anthropic:${PROJECT_MODELS.planner}`,
                maxSteps: steps,
                maxReplans: steps,
              },
            },
          ],
        }),
      ),
    );
    const results = await Promise.all(handles.map((h) => h.result()));
    const wallMs = performance.now() - started;
    const rssBytes = process.memoryUsage().rss;
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    const outcomes = results.map((r, i) => {
      const workflowId = `${label}-${i + 1}`;
      return {
        label: workflowId,
        workspace: path.join(this.workspaceRoot, workspaceDirName(workflowId)),
        answer: r.endReason === 'answered' ? r.answer : `[${r.endReason}] ${r.message}`,
        stepsDone: r.stepsExecuted,
      };
    });
    const spans = await collectSpans(
      client,
      handles.map((h) => ({ workflowId: h.workflowId, firstRunId: h.firstExecutionRunId })),
    );
    const cache = { inputTokens: 0, cacheReadTokens: 0 };
    for (const r of results) {
      cache.inputTokens += r.report?.cache.inputTokens ?? 0;
      cache.cacheReadTokens += r.report?.cache.cacheReadTokens ?? 0;
    }
    return { wallMs, outcomes, rssBytes, maxRssBytes, breakdown: summarize(spans, runs * steps), cache };
  }

  /** One run with its own input (the fake model's scenario set by the caller): wall time and answer. */
  async runOne(workflowId: string, input: RunInput): Promise<{ wallMs: number; answer: string }> {
    const started = performance.now();
    const handle = await this.client.workflow.start(planAndExecute, {
      taskQueue: TASK_QUEUE,
      workflowId,
      workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT,
      args: [
        {
          ...input,
          options: {
            plannerModel: `anthropic:${PROJECT_MODELS.planner}`,
            executorModel: `anthropic:${PROJECT_MODELS.executor}`,
            replannerModel: `anthropic:${PROJECT_MODELS.planner}`,
            ...input.options,
          },
        },
      ],
    });
    const result = await handle.result();
    return { wallMs: performance.now() - started, answer: result.answer ?? `[${result.endReason}]` };
  }

  /** The history of a run (its first run in a continue-as-new chain). */
  fetchHistory(workflowId: string) {
    return this.client.workflow.getHandle(workflowId).fetchHistory();
  }

  /** RSS of the Temporal dev server process now and at its peak, from /proc (undefined where there is none). */
  devServerRss(): { nowBytes: number; peakBytes: number } | undefined {
    try {
      const status = readFileSync(`/proc/${this.server.process.pid}/status`, 'utf8');
      const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
      const [nowBytes, peakBytes] = [kb('VmRSS') * 1024, kb('VmHWM') * 1024];
      return Number.isNaN(nowBytes) || Number.isNaN(peakBytes) ? undefined : { nowBytes, peakBytes };
    } catch {
      return undefined;
    }
  }

  async shutdown(): Promise<void> {
    this.worker.shutdown();
    await this.running;
    await this.workerConnection.close();
    await this.client.connection.close();
    await this.server.stop();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

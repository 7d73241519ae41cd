/**
 * The entry point for scripts: start Plan-and-Execute runs and get handles to them, on a Temporal Client
 * you already have, or on one made from the usual environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS
 * and API key variables or profile; TASK_QUEUE; TEMPORAL_UI_URL for links).
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../config';
import { loadTemporalSettings, workflowUiUrl } from '../config/temporal';
import type { planAndExecute } from '../../workflows';
import { WORKFLOW_TYPE } from '../../workflows/messages';
import { zodProblems, RunInputSchema, type RunInput } from '../../workflows/schemas';
import { connectClient } from './connect';
import { InvalidInputError, PlanRunsError } from './errors';
import { RunHandle } from './run-handle';
import { newWorkflowId, runStartOptions } from './start-options';

/** Run options (every one optional, defaults as the workflow has them), plus where and under what id. */
export type StartRunOptions = NonNullable<RunInput['options']> & {
  /** Extra context for the planner. */
  context?: string;
  /** The workflow id; default `plan-<timestamp>-<random>`. */
  workflowId?: string;
};

export interface PlanRunsOptions {
  client: Client;
  /** The task queue the workers poll; default TASK_QUEUE from the environment, else "plan-and-execute". */
  taskQueue?: string;
  /** For links to runs: the Web UI's base URL, or the server address (a local one gets its dev UI at port + 1000). */
  uiUrl?: string;
  address?: string;
}

export interface RunSummary {
  workflowId: string;
  runId: string;
  execution: string;
  startTime: Date;
}

export class PlanRuns {
  readonly client: Client;
  readonly taskQueue: string;
  private readonly uiUrl: string | undefined;
  private readonly address: string | undefined;
  private closeConnection: (() => Promise<void>) | undefined;

  constructor(options: PlanRunsOptions) {
    this.client = options.client;
    this.taskQueue = options.taskQueue ?? (process.env.TASK_QUEUE || DEFAULT_TASK_QUEUE);
    this.uiUrl = options.uiUrl;
    this.address = options.address;
  }

  /** Connects to the server the environment names; `close()` the result when done. */
  static async connect(env: NodeJS.ProcessEnv = process.env): Promise<PlanRuns> {
    const settings = loadTemporalSettings(env);
    const connected = await connectClient(settings);
    const uiUrl =
      env.TEMPORAL_UI_URL || (env.TEMPORAL_UI_PORT ? `http://127.0.0.1:${env.TEMPORAL_UI_PORT}` : undefined);
    const runs = new PlanRuns({
      client: connected.client,
      taskQueue: env.TASK_QUEUE || DEFAULT_TASK_QUEUE,
      address: settings.address,
      ...(uiUrl ? { uiUrl: uiUrl.replace(/\/$/, '') } : {}),
    });
    runs.closeConnection = () => connected.close();
    return runs;
  }

  /**
   * Starts a run of `goal`. The input is checked with the workflow's own schema first (InvalidInputError,
   * each field named, nothing started).
   */
  async start(goal: string, options: StartRunOptions = {}): Promise<RunHandle> {
    const { context, workflowId = newWorkflowId(), ...runOptions } = options;
    const input: RunInput = {
      goal,
      ...(context !== undefined ? { context } : {}),
      options: runOptions,
    };
    const parsed = RunInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new InvalidInputError('run input', zodProblems(parsed.error, { schema: RunInputSchema, input }));
    }
    try {
      const handle = await this.client.workflow.start<typeof planAndExecute>(
        WORKFLOW_TYPE,
        runStartOptions(input, this.taskQueue, workflowId),
      );
      return new RunHandle(
        handle,
        handle.firstExecutionRunId,
        this.link(workflowId, handle.firstExecutionRunId),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new PlanRunsError(`A run with the id ${workflowId} is already running; choose another id.`);
      }
      throw err;
    }
  }

  /** A handle to an existing run (the latest run under that workflow id). */
  get(workflowId: string): RunHandle {
    return new RunHandle(
      this.client.workflow.getHandle<typeof planAndExecute>(workflowId),
      undefined,
      this.link(workflowId),
    );
  }

  /** Recent runs of this workflow type, newest first. */
  async *list(options: { limit?: number } = {}): AsyncGenerator<RunSummary> {
    const limit = options.limit ?? 20;
    let count = 0;
    if (limit <= 0) return;
    for await (const wf of this.client.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPE}'` })) {
      yield {
        workflowId: wf.workflowId,
        runId: wf.runId,
        execution: wf.status.name,
        startTime: wf.startTime,
      };
      if (++count >= limit) return;
    }
  }

  /** The run's page in the Web UI, when the client knows where the UI is. */
  link(workflowId: string, runId?: string): string | undefined {
    if (!this.uiUrl && !this.address) return undefined;
    return workflowUiUrl(
      { address: this.address ?? '', namespace: this.client.options.namespace },
      workflowId,
      runId,
      this.uiUrl,
    );
  }

  /** Closes the connection, if `connect()` made it (a client you passed in stays yours). */
  async close(): Promise<void> {
    await this.closeConnection?.();
    this.closeConnection = undefined;
  }
}

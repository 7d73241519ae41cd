/**
 * The entry point for scripts: start Plan-and-Execute runs and get handles to them, on a Temporal Client
 * you already have, or on one made from the usual environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS
 * and API key variables or profile; TASK_QUEUE; TEMPORAL_UI_URL for links).
 */
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../config';
import { loadTemporalSettings, workflowUiUrl } from '../config/temporal';
import type { planAndExecute } from '../../workflows';
import { WORKFLOW_TYPE } from '../../workflows/messages';
import { zodProblems, RunInputSchema, type RunInput } from '../../workflows/schemas';
import { AgentCostUsdKey, AgentStatusKey, AgentStepsDoneKey } from '../../workflows/search-attributes';
import { connectClient } from './connect';

import { InvalidInputError, PlanRunsError } from './errors';
import { RunHandle } from './run-handle';
import { newWorkflowId, registerCommand, runStartOptions } from './start-options';

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
  /**
   * Told once when the server lacks the project's search attributes (runs then start without them and work
   * the same, but cannot be filtered by status or cost); default: a line on stderr.
   */
  onWarning?: (message: string) => void;
}

/** What the server says when a start names a search attribute it does not have. */
const UNKNOWN_SEARCH_ATTRIBUTE =
  /search attribute .* (is )?not defined|BadSearchAttributes|Namespace .* has no mapping defined for search attribute/i;

export interface RunSummary {
  workflowId: string;
  runId: string;
  execution: string;
  startTime: Date;
  /** From the run's search attributes, where the server has them. */
  status?: string;
  stepsDone?: number;
  costUsd?: number;
}

export interface ListRunsOptions {
  limit?: number;
  /** The run's own status (AgentStatus), e.g. "awaiting_approval". */
  status?: string;
  /** Only runs waiting for a person (approval, an answer, paused, ...). */
  needsPerson?: boolean;
  /** Only runs that cost at least this many dollars. */
  minCostUsd?: number;
  /** Any further Temporal list filter, ANDed, e.g. `StartTime > "2026-11-01T00:00:00Z"`. */
  query?: string;
}

/** The visibility query for `list`: values are quoted and checked, never pasted in raw. */
export function listQuery(options: ListRunsOptions): string {
  const parts = [`WorkflowType = '${WORKFLOW_TYPE}'`];
  if (options.status !== undefined) {
    if (!/^[a-z_]{1,40}$/.test(options.status)) {
      throw new PlanRunsError(
        `status "${options.status}" is not a run status (e.g. awaiting_approval, completed)`,
      );
    }
    parts.push(`AgentStatus = '${options.status}'`);
  }
  if (options.needsPerson) parts.push('AgentNeedsPerson = true');
  if (options.minCostUsd !== undefined) parts.push(`AgentCostUsd >= ${Number(options.minCostUsd)}`);
  if (options.query) parts.push(`(${options.query})`);
  return parts.join(' AND ');
}

export class PlanRuns {
  readonly client: Client;
  readonly taskQueue: string;
  private readonly uiUrl: string | undefined;
  private readonly address: string | undefined;
  private closeConnection: (() => Promise<void>) | undefined;
  private readonly onWarning: (message: string) => void;
  /** False once the server has said it lacks the search attributes: later starts leave them out. */
  private searchAttributes = true;

  constructor(options: PlanRunsOptions) {
    this.client = options.client;
    this.taskQueue = options.taskQueue ?? (process.env.TASK_QUEUE || DEFAULT_TASK_QUEUE);
    this.uiUrl = options.uiUrl;
    this.address = options.address;
    this.onWarning = options.onWarning ?? ((message) => console.warn(message));
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
      const handle = await this.startWorkflow(
        runStartOptions(input, this.taskQueue, workflowId, parsed.data.options),
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

  /** Start with the search attributes; without them, once told the server lacks them. */
  private async startWorkflow(options: WorkflowStartOptions<typeof planAndExecute>) {
    const { typedSearchAttributes, ...plain } = options;
    if (!this.searchAttributes)
      return this.client.workflow.start<typeof planAndExecute>(WORKFLOW_TYPE, plain);
    try {
      return await this.client.workflow.start<typeof planAndExecute>(WORKFLOW_TYPE, options);
    } catch (err) {
      if (!UNKNOWN_SEARCH_ATTRIBUTE.test(String((err as Error).message ?? err)) || !typedSearchAttributes)
        throw err;
      this.searchAttributes = false;
      this.onWarning(
        `Warning: the Temporal server does not have the project's search attributes, so runs cannot be filtered by status, steps or cost (they work the same). Register them: ${registerCommand()}`,
      );
      return this.client.workflow.start<typeof planAndExecute>(WORKFLOW_TYPE, plain);
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

  /**
   * Recent runs of this workflow type, newest first, filtered by the run's own search attributes when asked
   * (`status`, `needsPerson`, `minCostUsd`) and by any further visibility `query` (ANDed).
   */
  async *list(options: ListRunsOptions = {}): AsyncGenerator<RunSummary> {
    const limit = options.limit ?? 20;
    let count = 0;
    if (limit <= 0) return;
    for await (const wf of this.client.workflow.list({ query: listQuery(options) })) {
      const attrs = wf.typedSearchAttributes;
      yield {
        workflowId: wf.workflowId,
        runId: wf.runId,
        execution: wf.status.name,
        startTime: wf.startTime,
        ...(attrs.get(AgentStatusKey) !== undefined ? { status: attrs.get(AgentStatusKey) } : {}),
        ...(attrs.get(AgentStepsDoneKey) !== undefined ? { stepsDone: attrs.get(AgentStepsDoneKey) } : {}),
        ...(attrs.get(AgentCostUsdKey) !== undefined ? { costUsd: attrs.get(AgentCostUsdKey) } : {}),
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

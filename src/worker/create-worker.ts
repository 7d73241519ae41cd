import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { AppConfig } from '../config';
import { ModelClients } from '../llm';
import { PriceTable } from '../llm/prices';
import { loadToolSetup, ToolBox, ToolRegistry } from '../tools';
import { cachedWorkflowBundle } from './bundle';
import { SecretRedactor } from '../security/redact';
import { RedactingInterceptor } from '../security/redacting-interceptor';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  config: AppConfig;
  /**
   * The tools to offer. A registry is offered as it is (with no MCP servers); without either, the tools the
   * config names (modules, MCP config, tools config) besides the built-ins. Whoever builds a ToolBox closes
   * it; one built here from the config lives as long as the process (its stdio servers end with it).
   */
  tools?: ToolRegistry | ToolBox;
  /** A pre-built workflow bundle; otherwise the cached one (built on first use) is used. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
  /** Extra worker options (interceptors, tuning) passed through as they are. */
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * Worker tuning, chosen for fast recovery and low latency per call:
 * - heartbeats go out at most every second (the activities beat every second against a 2.5 s timeout), so
 *   a dead worker's call is retried within seconds;
 * - a workflow task waiting on the sticky queue of a worker that is gone falls back to the shared queue
 *   after 2 s instead of the default 10 s, so another worker takes the run over quickly.
 */
export const WORKER_TUNING = {
  maxHeartbeatThrottleInterval: '1 second',
  stickyQueueScheduleToStartTimeout: '2 seconds',
} satisfies Partial<WorkerOptions>;

/** The worker that runs planAndExecute and its activities. Model keys come from `config`, never from input. */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const tools =
    options.tools instanceof ToolBox
      ? options.tools
      : options.tools instanceof ToolRegistry
        ? new ToolBox(options.tools)
        : toolBoxFromConfig(options.config);
  const activities = createActivities({
    models: new ModelClients(options.config.providers),
    tools,
    workspaceRoot: path.resolve(options.config.workspaceRoot),
    maxOutputTokens: options.config.maxOutputTokens,
    prices: new PriceTable(options.config.prices),
  });
  const workflowBundle = options.workflowBundle ?? { codePath: (await cachedWorkflowBundle()).codePath };
  const { providers } = options.config;
  const redactor = SecretRedactor.fromEnvironment([providers.anthropicApiKey, providers.openaiApiKey]);
  const extra = options.workerOptions ?? {};
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.config.taskQueue,
    activities,
    workflowBundle,
    ...WORKER_TUNING,
    ...(options.identity ? { identity: options.identity } : {}),
    ...extra,
    interceptors: {
      ...extra.interceptors,
      // Outermost, so nothing another interceptor or an activity throws escapes unscrubbed.
      activity: [
        () => ({ inbound: new RedactingInterceptor(redactor) }),
        ...(extra.interceptors?.activity ?? []),
      ],
    },
  });
}

/** The tools the config names; every problem in a file names the file and the entry. */
export function toolBoxFromConfig(config: AppConfig, log: (line: string) => void = console.warn): ToolBox {
  if (!config.tools) return ToolBox.builtIn();
  return ToolBox.fromSetup(loadToolSetup(config.tools), log);
}

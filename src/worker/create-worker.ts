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
import { tracingFromEnv, WORKFLOW_TRACING_MODULE, type Tracing } from '../telemetry/tracing';

/** OTEL service name of workers (OTEL_SERVICE_NAME overrides it). */
export const WORKER_SERVICE_NAME = 'plan-execute-worker';

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
  /**
   * A pre-built workflow bundle; otherwise the cached one (built on first use) is used. With tracing on, a
   * given bundle must have been built with the tracing interceptor module (cachedWorkflowBundle), or the
   * workflow's spans are missing.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * Tracing (src/telemetry/tracing.ts): default, the process's, from the OTEL_* variables (off when they ask
   * for nothing); false: none.
   */
  tracing?: Tracing | false;
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
  const tracing =
    options.tracing === undefined ? tracingFromEnv(WORKER_SERVICE_NAME) : options.tracing || undefined;
  const workflowBundle = options.workflowBundle ?? {
    codePath: (await cachedWorkflowBundle(undefined, tracing ? [WORKFLOW_TRACING_MODULE] : [])).codePath,
  };
  const { providers } = options.config;
  const redactor = SecretRedactor.fromEnvironment([providers.anthropicApiKey, providers.openaiApiKey]);
  tracing?.addRedactor(redactor);
  const extra = options.workerOptions ?? {};
  // Tracing's interceptors sit inside a second redactor, so an exception they record on a span is already
  // scrubbed (the span processor scrubs every span again on its way out).
  const traced = tracing
    ? [() => ({ inbound: new RedactingInterceptor(redactor) }), tracing.activityInterceptor()]
    : [];
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.config.taskQueue,
    activities,
    workflowBundle,
    ...WORKER_TUNING,
    ...(options.identity ? { identity: options.identity } : {}),
    ...extra,
    ...(tracing ? { sinks: { ...extra.sinks, ...tracing.workflowSinks() } } : {}),
    interceptors: {
      ...extra.interceptors,
      // Outermost, so nothing another interceptor or an activity throws escapes unscrubbed.
      activity: [
        () => ({ inbound: new RedactingInterceptor(redactor) }),
        ...traced,
        ...(extra.interceptors?.activity ?? []),
      ],
      // The client activities use (requestCancellation) carries the trace too.
      ...(tracing
        ? {
            client: {
              ...extra.interceptors?.client,
              workflow: [...tracing.clientInterceptors(), ...asList(extra.interceptors?.client?.workflow)],
            },
          }
        : {}),
    },
  });
}

/** The tools the config names; every problem in a file names the file and the entry. */
export function toolBoxFromConfig(config: AppConfig, log: (line: string) => void = console.warn): ToolBox {
  if (!config.tools) return ToolBox.builtIn();
  return ToolBox.fromSetup(loadToolSetup(config.tools), log);
}

function asList<T>(value: T[] | object | undefined): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

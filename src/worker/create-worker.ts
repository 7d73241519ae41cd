import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { AppConfig } from '../config';
import { ModelClients } from '../llm';
import { builtInTools, type ToolRegistry } from '../tools';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  config: AppConfig;
  tools?: ToolRegistry;
  /** A pre-built workflow bundle (tests build one and share it); otherwise workflows/ is bundled on start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
  /**
   * Passed through to the Worker as they are: interceptors and sinks for tests and drills (workflow
   * coverage, a drill that kills the worker at an exact point). The product itself sets none.
   */
  extraWorkerOptions?: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
}

/** The worker that runs planAndExecute and its activities. Model keys come from `config`, never from input. */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const activities = createActivities({
    models: new ModelClients(options.config.providers),
    tools: options.tools ?? builtInTools(),
    workspaceRoot: path.resolve(options.config.workspaceRoot),
    maxOutputTokens: options.config.maxOutputTokens,
  });
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.config.taskQueue,
    activities,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../../workflows') }),
    ...(options.identity ? { identity: options.identity } : {}),
    ...options.extraWorkerOptions,
  });
}

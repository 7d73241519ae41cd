import type { WorkflowStartOptions } from '@temporalio/client';
import type { planAndExecute } from '../../workflows';
import type { RunInput, RunOptions } from '../../workflows/schemas';
import { initialSearchAttributes, SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

import { RUN_WORKFLOW_TASK_TIMEOUT } from '../../workflows/timeouts';

/**
 * Start options for a run: the workflow task timeout the project's runs use (quick control and recovery,
 * see workflows/timeouts.ts), and its summary (the goal) and details (models and limits) as the Temporal
 * Web UI shows them on the run's page, under User Metadata.
 */
export function runStartOptions(
  input: RunInput,
  taskQueue: string,
  workflowId: string,
  resolved?: RunOptions,
): WorkflowStartOptions<typeof planAndExecute> {
  const o = input.options ?? {};
  const details = [
    `**Goal:** ${input.goal}`,
    '',
    `- planner: \`${o.plannerModel ?? 'default'}\`, executor: \`${o.executorModel ?? 'default'}\`, re-planner: \`${o.replannerModel ?? 'default'}\``,
    `- maxSteps ${o.maxSteps ?? 20}, maxReplans ${o.maxReplans ?? 20}, maxTurnsPerStep ${o.maxTurnsPerStep ?? 8}, maxParallelSteps ${o.maxParallelSteps ?? 1}`,
    ...(o.requireApproval ? ['- waits for approval after planning'] : []),
  ].join('\n');
  return {
    taskQueue,
    workflowId,
    args: [input],
    workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT,
    staticSummary: `Plan-and-execute: ${input.goal.slice(0, 180)}`,
    staticDetails: details,
    ...(resolved
      ? {
          typedSearchAttributes: initialSearchAttributes([
            resolved.plannerModel,
            resolved.executorModel,
            resolved.replannerModel,
          ]),
        }
      : {}),
  };
}

/** The command that registers the project's search attributes on a server that lacks them. */
export function registerCommand(): string {
  return SEARCH_ATTRIBUTES.map(
    (a) => `temporal operator search-attribute create --name ${a.name} --type ${a.type}`,
  ).join(' && ');
}

/** A workflow id that sorts by start time and says what it is: plan-2026-11-24T00-39-00-094-co8j. */
export function newWorkflowId(): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('Z', '');
  return `plan-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

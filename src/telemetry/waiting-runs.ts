/**
 * `plan_execute_runs_waiting_for_people{status, task_queue}`: runs of this task queue that wait for a person
 * (for approval, an answer or a call approval, or paused), counted by the server's visibility store with the
 * runs' search attributes at each scrape. Every worker of a queue reports the same cluster-wide number (read
 * it with max, not sum); runs on a server without the search attributes cannot be counted, and the gauge then
 * stays empty, with one warning.
 */
import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import { WORKFLOW_TYPE } from '../../workflows/messages';
import { NEEDS_PERSON } from '../../workflows/search';

export function registerWaitingRunsGauge(
  registry: Registry,
  client: Client,
  taskQueue: string,
  warn: (message: string) => void = console.warn,
): Gauge<'status' | 'task_queue'> {
  let warned = false;
  // A worker started again in the same process counts through its new connection.
  registry.removeSingleMetric('plan_execute_runs_waiting_for_people');
  return new Gauge({
    name: 'plan_execute_runs_waiting_for_people',
    help: 'Open runs of this task queue waiting for a person, by status (from the server, at each scrape).',
    labelNames: ['status', 'task_queue'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const counts = await Promise.all(
          NEEDS_PERSON.map((status) =>
            client.workflow.count(
              `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, '')}' AND AgentStatus = '${status}'`,
            ),
          ),
        );
        NEEDS_PERSON.forEach((status, i) =>
          this.set({ status, task_queue: taskQueue }, counts[i]?.count ?? 0),
        );
      } catch (err) {
        if (warned) return;
        warned = true;
        warn(
          `Warning: plan_execute_runs_waiting_for_people stays empty: the server could not count runs by their search attributes (${(err as Error).message}).`,
        );
      }
    },
  });
}

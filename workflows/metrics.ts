/**
 * Metrics only the workflow can measure, through the SDK's workflow `metricMeter`: nothing is emitted while
 * a workflow replays, so a step is counted once however often its run is replayed. They reach the worker's
 * Prometheus endpoint with the SDK's own metrics (src/telemetry/core-metrics.ts); on a worker that keeps no
 * metrics they cost one sink call each. Durations are by the workflow's clock, which local activities move
 * too.
 */
import { metricMeter } from '@temporalio/workflow';

export function recordStepDuration(startedAt: string | undefined, endedAt: string, outcome: string): void {
  const seconds = secondsBetween(startedAt, endedAt);
  if (seconds === undefined) return;
  metricMeter
    .createHistogram(
      'plan_execute_step_duration_seconds',
      'float',
      's',
      'How long a step took, from its start to done or failed (approvals and questions inside it included).',
    )
    .record(seconds, { outcome });
}

export function recordReplanDuration(startedAt: string, endedAt: string, action: string): void {
  const seconds = secondsBetween(startedAt, endedAt);
  if (seconds === undefined) return;
  metricMeter
    .createHistogram(
      'plan_execute_replan_duration_seconds',
      'float',
      's',
      'How long a re-plan took, from asking the re-planner to its decision (a re-ask included).',
    )
    .record(seconds, { action });
}

function secondsBetween(from: string | undefined, to: string): number | undefined {
  if (!from) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}

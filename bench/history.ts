/**
 * Where the project's time goes, read from Temporal history (the server's own timestamps, not wall clocks):
 * workflow tasks (scheduled -> started is queue time, started -> completed is the worker's processing),
 * activities by type (scheduled -> started queue, started -> completed run), and events per step. Follows
 * continue-as-new chains so a run counts whole.
 */
import type { Client } from '@temporalio/client';

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];
type Timestamp = HistoryEvent['eventTime'];

/** Milliseconds with the nanoseconds kept: workflow tasks take a few ms, so whole ms would blur them. */
function ms(ts: Timestamp): number {
  if (!ts) return NaN;
  return Number(ts.seconds ?? 0) * 1000 + (ts.nanos ?? 0) / 1e6;
}

interface Spans {
  queueMs: number[];
  runMs: number[];
}

/** Raw spans of one batch of runs; `summarize` turns them into figures. */
export interface HistorySpans {
  events: number;
  workflowTasks: Spans;
  activities: Map<string, Spans>;
}

export function emptySpans(): HistorySpans {
  return { events: 0, workflowTasks: { queueMs: [], runMs: [] }, activities: new Map() };
}

/** Add one history's spans. Returns the run id it continued as, if it did. */
export function addHistory(into: HistorySpans, history: History): string | undefined {
  const events = history.events ?? [];
  into.events += events.length;
  const byId = new Map<number, HistoryEvent>();
  let continuedAs: string | undefined;
  for (const e of events) {
    byId.set(Number(e.eventId), e);
    const wftDone = e.workflowTaskCompletedEventAttributes;
    if (wftDone) {
      const scheduled = byId.get(Number(wftDone.scheduledEventId));
      const started = byId.get(Number(wftDone.startedEventId));
      into.workflowTasks.queueMs.push(ms(started?.eventTime) - ms(scheduled?.eventTime));
      into.workflowTasks.runMs.push(ms(e.eventTime) - ms(started?.eventTime));
    }
    const actDone = e.activityTaskCompletedEventAttributes;
    if (actDone) {
      const scheduled = byId.get(Number(actDone.scheduledEventId));
      const started = byId.get(Number(actDone.startedEventId));
      const type = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
      const spans = into.activities.get(type) ?? { queueMs: [], runMs: [] };
      spans.queueMs.push(ms(started?.eventTime) - ms(scheduled?.eventTime));
      spans.runMs.push(ms(e.eventTime) - ms(started?.eventTime));
      into.activities.set(type, spans);
    }
    const can = e.workflowExecutionContinuedAsNewEventAttributes;
    if (can?.newExecutionRunId) continuedAs = can.newExecutionRunId;
  }
  return continuedAs;
}

/** Spans of whole runs, following continue-as-new from each first run id. */
export async function collectSpans(
  client: Client,
  runs: { workflowId: string; firstRunId: string }[],
): Promise<HistorySpans> {
  const spans = emptySpans();
  for (const run of runs) {
    let runId: string | undefined = run.firstRunId;
    while (runId) {
      const history = await client.workflow.getHandle(run.workflowId, runId).fetchHistory();
      runId = addHistory(spans, history);
    }
  }
  return spans;
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * Figures per batch, by name: per step (divide by all the steps the batch's runs executed) and per task.
 * The "ms/step in ..." rows add up the time each kind of span took, so for a sequential run they show
 * where a step's wall time goes.
 */
export function summarize(spans: HistorySpans, steps: number): Record<string, number> {
  const wft = spans.workflowTasks;
  const out: Record<string, number> = {
    'workflow tasks / step': wft.runMs.length / steps,
    'worker ms / workflow task': mean(wft.runMs),
    'queue ms / workflow task': mean(wft.queueMs),
  };
  const types = [...spans.activities.keys()].sort();
  for (const type of types) {
    const a = spans.activities.get(type);
    if (!a) continue;
    out[`${type}: count / step`] = a.runMs.length / steps;
    out[`${type}: run ms`] = mean(a.runMs);
    out[`${type}: queue ms`] = mean(a.queueMs);
  }
  const all = types.flatMap((t) => spans.activities.get(t) ?? []);
  out['history events / step'] = spans.events / steps;
  out['ms/step in workflow tasks'] = sum(wft.runMs) / steps;
  out['ms/step queued for workflow tasks'] = sum(wft.queueMs) / steps;
  out['ms/step in activities'] = sum(all.flatMap((a) => a.runMs)) / steps;
  out['ms/step queued for activities'] = sum(all.flatMap((a) => a.queueMs)) / steps;
  return out;
}

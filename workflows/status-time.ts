/**
 * Time in each status: every change of status adds the time spent in the one it leaves, so the run knows
 * how long it waited for people (approval, answers, resume, budget) and how long it worked. Carried across
 * continue-as-new with the rest of the state.
 */
import type { RunState, RunStatus } from './state';

/** Statuses in which the run waits for people: their time does not count against the minutes budget. */
export const WAITING_FOR_PEOPLE: readonly RunStatus[] = [
  'awaiting_approval',
  'waiting_for_human',
  'paused',
  'awaiting_budget',
];

/** Change the status, adding the time spent in the old one (at: the workflow's clock, ISO). */
export function changeStatus(state: RunState, next: RunStatus, at: string): void {
  if (state.status === next) return;
  state.statusMs = statusTimes(state, Date.parse(at));
  state.status = next;
  state.statusSince = at;
}

/** Time in each status so far, the current one counted up to `atMs`. */
export function statusTimes(state: RunState, atMs: number): Partial<Record<RunStatus, number>> {
  const times = { ...(state.statusMs ?? {}) };
  const since = Date.parse(state.statusSince ?? state.startedAt);
  times[state.status] = (times[state.status] ?? 0) + Math.max(0, atMs - since);
  return times;
}

/** Milliseconds the run has waited for people (approval, answers, resume, budget) up to `atMs`. */
export function peopleWaitMs(state: RunState, atMs: number): number {
  const times = statusTimes(state, atMs);
  return WAITING_FOR_PEOPLE.reduce((sum, s) => sum + (times[s] ?? 0), 0);
}

/** Run time in minutes: since the start (across continue-as-new), without the time waiting for people. */
export function runMinutes(state: RunState, atMs: number): number {
  const elapsed = Math.max(0, atMs - Date.parse(state.startedAt));
  return Math.max(0, elapsed - peopleWaitMs(state, atMs)) / 60_000;
}

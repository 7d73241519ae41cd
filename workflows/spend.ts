/**
 * Recording what one model call cost, everywhere the run shows it: the per-role and per-model totals, the
 * step it served, the list of recent calls, and the retry and re-ask counts. O(1) per call.
 */
import type { Timed } from './activity-contract';
import type { TokenUsage } from './chat';
import { addCall, emptySpend, emptyTotals, MAX_CALLS_KEPT, type Billed, type RunSpend } from './cost';
import type { ModelRole, PlanStep, RunState } from './state';
import { addUsage } from './usage';

/** What the caller knows about a call beyond its usage: the activity's result and what it was for. */
export interface CallInfo extends Partial<Omit<Billed, 'usage'>>, Partial<Timed> {
  /** The step the call served (executor turns). */
  stepId?: string;
  /** A corrective re-ask after invalid structured output. */
  reask?: boolean;
  /** Attempts beyond the activity's own count: a local attempt that failed before it went to the server. */
  extraAttempts?: number;
}

export function recordModelCall(
  state: RunState,
  step: PlanStep | undefined,
  at: string,
  role: ModelRole,
  model: string,
  usage: TokenUsage,
  info: CallInfo = {},
): void {
  const cost = info.costUsd;
  const ms = info.elapsedMs ?? 0;
  addUsage(state.usage, role, model, usage, cost, ms);
  if (step) {
    step.spend ??= emptyTotals();
    addCall(step.spend, usage, cost, ms);
  }
  const spend: RunSpend = (state.spend ??= emptySpend());
  const attempts = (info.attempt ?? 1) + (info.extraAttempts ?? 0);
  if (attempts > 1) {
    spend.retriedCalls += 1;
    spend.extraAttempts += attempts - 1;
  }
  if (info.reask) addCall(spend.reasks, usage, cost, ms);
  spend.callsTotal += 1;
  spend.calls.push({
    seq: spend.callsTotal,
    at,
    role,
    model,
    ...(info.stepId !== undefined ? { stepId: info.stepId } : {}),
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadTokens: usage.cacheReadTokens ?? 0,
    cacheWriteTokens: usage.cacheWriteTokens ?? 0,
    costUsd: cost ?? null,
    ms,
    attempts,
    ...(info.reask ? { reask: true } : {}),
  });
  if (spend.calls.length > MAX_CALLS_KEPT) spend.calls.splice(0, spend.calls.length - MAX_CALLS_KEPT);
}

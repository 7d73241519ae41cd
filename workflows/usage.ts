import type { TokenUsage } from './chat';
import { addCost, emptyTotals, type CallTotals } from './cost';
import type { ModelRole, UsageEntry } from './state';

/**
 * Add one model call's usage (and its cost, null when unknown, and its time) to the per-role, per-model
 * totals. `cost` undefined: a call recorded without cost accounting, counted as unpriced.
 */
export function addUsage(
  entries: UsageEntry[],
  role: ModelRole,
  model: string,
  usage: TokenUsage,
  cost?: number | null,
  ms = 0,
): UsageEntry[] {
  let entry = entries.find((e) => e.role === role && e.model === model);
  if (!entry) {
    entry = { role, model, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: null, unpricedCalls: 0 };
    entries.push(entry);
  }
  entry.calls += 1;
  entry.inputTokens += usage.inputTokens;
  entry.outputTokens += usage.outputTokens;
  if (usage.cacheReadTokens) entry.cacheReadTokens = (entry.cacheReadTokens ?? 0) + usage.cacheReadTokens;
  if (usage.cacheWriteTokens) entry.cacheWriteTokens = (entry.cacheWriteTokens ?? 0) + usage.cacheWriteTokens;
  entry.ms = (entry.ms ?? 0) + ms;
  const sum = { costUsd: entry.costUsd ?? null, unpricedCalls: unpricedOf(entry, 1) };
  addCost(sum, cost);
  entry.costUsd = sum.costUsd;
  entry.unpricedCalls = sum.unpricedCalls;
  return entries;
}

/**
 * Unpriced calls of an entry before this one was added: entries kept before costs were (no costUsd field)
 * count every earlier call as unpriced.
 */
function unpricedOf(entry: UsageEntry, adding: number): number {
  if (entry.unpricedCalls !== undefined) return entry.unpricedCalls;
  return entry.costUsd === undefined ? entry.calls - adding : 0;
}

/** Every model call of the run summed: tokens, cache, dollars (with unpriced calls counted), time. */
export function runTotals(entries: UsageEntry[]): CallTotals {
  const totals = emptyTotals();
  for (const e of entries) {
    totals.calls += e.calls;
    totals.inputTokens += e.inputTokens;
    totals.outputTokens += e.outputTokens;
    totals.cacheReadTokens += e.cacheReadTokens ?? 0;
    totals.cacheWriteTokens += e.cacheWriteTokens ?? 0;
    totals.ms += e.ms ?? 0;
    const unpriced = e.unpricedCalls ?? (e.costUsd === undefined ? e.calls : 0);
    totals.unpricedCalls += unpriced;
    if (e.costUsd !== null && e.costUsd !== undefined) totals.costUsd = (totals.costUsd ?? 0) + e.costUsd;
  }
  return totals;
}

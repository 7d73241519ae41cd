import type { TokenUsage } from './chat';
import type { ModelRole, UsageEntry } from './state';

/** Add one model call's usage to the per-role, per-model totals. */
export function addUsage(
  entries: UsageEntry[],
  role: ModelRole,
  model: string,
  usage: TokenUsage,
): UsageEntry[] {
  const existing = entries.find((e) => e.role === role && e.model === model);
  if (!existing) {
    entries.push({ role, model, calls: 1, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
    return entries;
  }
  existing.calls += 1;
  existing.inputTokens += usage.inputTokens;
  existing.outputTokens += usage.outputTokens;
  return entries;
}

export function totalTokens(entries: UsageEntry[]): TokenUsage {
  return entries.reduce(
    (sum, e) => ({
      inputTokens: sum.inputTokens + e.inputTokens,
      outputTokens: sum.outputTokens + e.outputTokens,
    }),
    { inputTokens: 0, outputTokens: 0 },
  );
}

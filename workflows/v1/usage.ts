// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
import type { ModelRole, TokenUsage, UsageEntry } from './state';

/** Add one model call's usage to the per-role, per-model totals. */
export function addUsage(
  entries: UsageEntry[],
  role: ModelRole,
  model: string,
  usage: TokenUsage,
): UsageEntry[] {
  const existing = entries.find((e) => e.role === role && e.model === model);
  if (!existing) return [...entries, { role, model, calls: 1, ...usage }];
  return entries.map((e) =>
    e === existing
      ? {
          ...e,
          calls: e.calls + 1,
          inputTokens: e.inputTokens + usage.inputTokens,
          outputTokens: e.outputTokens + usage.outputTokens,
        }
      : e,
  );
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

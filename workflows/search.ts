/**
 * Keeps the run's custom search attributes up to date (workflows/search-attributes.ts), so runs can be found
 * and filtered in the Temporal Web UI and with `temporal workflow list --query`. Only the attributes the run
 * was started with are upserted: the client sets them at start when the server has them registered (and
 * warns once when it does not), so a run on a server without them works the same, just unfilterable.
 * Upserts happen at most once per workflow task, and only for values that changed.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  AgentCostUsdKey,
  AgentNeedsPersonKey,
  AgentPlanVersionKey,
  AgentStatusKey,
  AgentStepsDoneKey,
  AgentStepsPlannedKey,
} from './search-attributes';
import type { RunState } from './state';
import { runTotals } from './usage';

/** Statuses in which the run waits for a person (what `AgentNeedsPerson = true` finds). */
export const NEEDS_PERSON: readonly string[] = [
  'awaiting_approval',
  'waiting_for_human',
  'paused',
  'awaiting_budget',
];

export class SearchAttributeKeeper {
  private readonly enabled = new Set<string>();
  private readonly last = new Map<string, unknown>();

  constructor() {
    for (const pair of workflowInfo().typedSearchAttributes.getAll()) {
      this.enabled.add(pair.key.name);
      this.last.set(pair.key.name, pair.value);
    }
  }

  /** Upsert what changed since the last call (call once per activation). */
  update(state: RunState): void {
    if (this.enabled.size === 0) return;
    const stepsDone = state.plan.steps.filter((s) => s.status === 'done').length;
    const planned = state.plan.steps.filter((s) => s.status !== 'skipped' && s.status !== 'removed').length;
    const pairs: SearchAttributeUpdatePair[] = [];
    const set = (pair: SearchAttributeUpdatePair): void => {
      const name = pair.key.name;
      if (!this.enabled.has(name) || this.last.get(name) === pair.value) return;
      this.last.set(name, pair.value);
      pairs.push(pair);
    };
    set({ key: AgentStatusKey, value: state.status });
    set({ key: AgentNeedsPersonKey, value: NEEDS_PERSON.includes(state.status) });
    set({ key: AgentStepsDoneKey, value: stepsDone });
    set({ key: AgentStepsPlannedKey, value: planned });
    set({ key: AgentPlanVersionKey, value: state.plan.version });
    // The priced part (an unknown price adds nothing), rounded to a millionth of a dollar so that a call's
    // float noise does not make an upsert of its own.
    const cost = runTotals(state.usage).costUsd;
    if (cost !== null) set({ key: AgentCostUsdKey, value: Math.round(cost * 1e6) / 1e6 });
    if (pairs.length > 0) upsertSearchAttributes(pairs);
  }
}

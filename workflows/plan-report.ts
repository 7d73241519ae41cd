/**
 * The plan-quality report: how the plan went (steps planned, run, failed, skipped, reused, re-paid; what each
 * revision changed), how parallel the run was against the critical path of its final plan, what it cost
 * and took per step and per role, retries and their cost, time waiting for people, tokens served from the
 * prompt cache. A pure function of the run's state: the workflow puts it in the result, and `agent report`
 * computes it from the state of any run, running or ended (src/report/ renders it).
 */
import { peopleWaitMs, statusTimes, WAITING_FOR_PEOPLE } from './status-time';
import { emptyTotals, plusCost, type CallTotals, type CostSum } from './cost';
import type { BudgetLimits } from './budget-state';
import type { ModelRole, PlanStep, RunState, RunStatus, StepStatus } from './state';
import { ENDED_STATUSES } from './state';
import { runTotals } from './usage';

export interface StepRow {
  id: string;
  title: string;
  status: StepStatus;
  /** From start to end; null when it did not run. */
  ms: number | null;
  spend: CallTotals;
  reusedFrom?: string;
  redoes?: string;
}

export interface RevisionRow {
  version: number;
  author: string;
  reason: string;
  added: string[];
  changed: string[];
  removed: string[];
}

export interface PlanReport {
  steps: {
    planned: number;
    /** Executed (done or failed), reused ones not counted. */
    ran: number;
    done: number;
    failed: number;
    skipped: number;
    removed: number;
    pending: number;
    /** Took the result of a done step with the same inputs: no call made. */
    reused: number;
    /** Did a finished step's work again, with other inputs: paid twice. */
    repaid: number;
  };
  replans: {
    /** Re-planner decisions (each one call, plus a re-ask when its output was invalid). */
    count: number;
    /** Every revision after the first plan: by the re-planner or a person, and what it changed. */
    revisions: RevisionRow[];
    revisionsOmitted: number;
  };
  parallelism: {
    maxParallelSteps: number;
    /** Steps that ran, with their times summed (busy) and spanned (wall: first start to last end). */
    stepsTimed: number;
    busyMs: number;
    wallMs: number;
    /** The longest chain of dependencies in the final plan, by the times its steps took. */
    criticalPath: string[];
    criticalPathMs: number;
    /** busy / wall: steps running at once, on average. */
    achieved: number | null;
    /** busy / critical path: what the dependencies would have allowed with unlimited slots. */
    possible: number | null;
    /** critical path / wall: 1 means the run took no longer than its dependencies forced it to. */
    ofCriticalPath: number | null;
  };
  /** Every model call of the run. */
  total: CallTotals;
  byRole: ({ role: ModelRole; model: string } & CallTotals)[];
  bySteps: StepRow[];
  retries: {
    /** Calls that took more than one attempt, and the extra attempts (a failed attempt bills nothing known). */
    retriedCalls: number;
    extraAttempts: number;
    /** Corrective re-asks after invalid planner or re-planner output. */
    reasks: CallTotals;
  };
  /** Steps that re-did finished work with other inputs, and what they cost. */
  repaid: CostSum & { steps: string[] };
  waiting: { forPeopleMs: number; byStatus: Partial<Record<RunStatus, number>> };
  cache: { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; readShare: number | null };
  budget?: { limits: BudgetLimits; stops: number; extensions: number };
  /** From the start to the end (or to now, for a running run). */
  runMs: number;
  ended: boolean;
}

export function buildReport(state: RunState, nowMs: number): PlanReport {
  const ended = ENDED_STATUSES.includes(state.status);
  const at = ended ? Date.parse(state.updatedAt) : nowMs;
  const { steps } = state.plan;
  const count = (s: StepStatus) => steps.filter((x) => x.status === s).length;
  const reused = steps.filter((s) => s.reusedFrom !== undefined);
  const repaidSteps = steps.filter((s) => s.redoes !== undefined && s.status !== 'pending');
  const total = runTotals(state.usage);
  const times = statusTimes(state, at);
  const byStatus: Partial<Record<RunStatus, number>> = {};
  for (const s of WAITING_FOR_PEOPLE) if (times[s]) byStatus[s] = times[s];
  return {
    steps: {
      planned: steps.length,
      ran: steps.filter((s) => (s.status === 'done' || s.status === 'failed') && s.reusedFrom === undefined)
        .length,
      done: count('done'),
      failed: count('failed'),
      skipped: count('skipped'),
      removed: count('removed'),
      pending: count('pending') + count('running'),
      reused: reused.length,
      repaid: repaidSteps.length,
    },
    replans: {
      count: state.replans,
      revisions: state.plan.revisions.slice(1).map((r) => ({
        version: r.version,
        author: r.author,
        reason: r.reason,
        added: r.added,
        changed: r.changed,
        removed: r.removed,
      })),
      revisionsOmitted: state.revisionsOmitted ?? 0,
    },
    parallelism: parallelism(steps, state.options.maxParallelSteps),
    total,
    byRole: state.usage.map((u) => ({
      role: u.role,
      model: u.model,
      calls: u.calls,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      cacheReadTokens: u.cacheReadTokens ?? 0,
      cacheWriteTokens: u.cacheWriteTokens ?? 0,
      costUsd: u.costUsd ?? null,
      unpricedCalls: u.unpricedCalls ?? (u.costUsd === undefined ? u.calls : 0),
      ms: u.ms ?? 0,
    })),
    bySteps: steps.map(stepRow),
    retries: {
      retriedCalls: state.spend?.retriedCalls ?? 0,
      extraAttempts: state.spend?.extraAttempts ?? 0,
      reasks: state.spend?.reasks ?? emptyTotals(),
    },
    repaid: {
      ...repaidSteps.reduce<CostSum>((sum, s) => plusCost(sum, s.spend ?? emptyTotals()), {
        costUsd: null,
        unpricedCalls: 0,
      }),
      steps: repaidSteps.map((s) => s.id),
    },
    waiting: { forPeopleMs: peopleWaitMs(state, at), byStatus },
    cache: {
      inputTokens: total.inputTokens,
      cacheReadTokens: total.cacheReadTokens,
      cacheWriteTokens: total.cacheWriteTokens,
      readShare: total.inputTokens > 0 ? total.cacheReadTokens / total.inputTokens : null,
    },
    ...(state.budget
      ? {
          budget: {
            limits: state.budget.limits,
            stops: state.budget.stops,
            extensions: state.budget.extensions.length,
          },
        }
      : {}),
    runMs: Math.max(0, at - Date.parse(state.startedAt)),
    ended,
  };
}

function durationOf(step: PlanStep): number | null {
  if (!step.startedAt || !step.endedAt) return null;
  return Math.max(0, Date.parse(step.endedAt) - Date.parse(step.startedAt));
}

function stepRow(step: PlanStep): StepRow {
  return {
    id: step.id,
    title: step.title,
    status: step.status,
    ms: durationOf(step),
    spend: step.spend ?? emptyTotals(),
    ...(step.reusedFrom !== undefined ? { reusedFrom: step.reusedFrom } : {}),
    ...(step.redoes !== undefined ? { redoes: step.redoes } : {}),
  };
}

/**
 * Parallelism of the steps that ran, and the critical path of the final plan: the chain of dependencies
 * whose steps' times add up to the most. O(steps + dependencies).
 */
export function parallelism(steps: PlanStep[], maxParallelSteps: number): PlanReport['parallelism'] {
  const timed = new Map<string, { step: PlanStep; ms: number }>();
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let busy = 0;
  for (const step of steps) {
    const ms = durationOf(step);
    if (ms === null || !step.startedAt || !step.endedAt) continue;
    timed.set(step.id, { step, ms });
    busy += ms;
    first = Math.min(first, Date.parse(step.startedAt));
    last = Math.max(last, Date.parse(step.endedAt));
  }
  // Longest path ending at each step (dependencies are acyclic: the plan rules refuse cycles).
  const best = new Map<string, { ms: number; via?: string }>();
  const longest = (id: string, seen: Set<string>): number => {
    const known = best.get(id);
    if (known) return known.ms;
    const own = timed.get(id);
    if (!own || seen.has(id)) return 0;
    seen.add(id);
    let via: string | undefined;
    let before = 0;
    for (const dep of own.step.dependsOn) {
      const ms = longest(dep, seen);
      if (timed.has(dep) && ms >= before) {
        before = ms;
        via = dep;
      }
    }
    const result = { ms: before + own.ms, ...(via !== undefined ? { via } : {}) };
    best.set(id, result);
    return result.ms;
  };
  let end: string | undefined;
  let criticalMs = 0;
  for (const id of timed.keys()) {
    const ms = longest(id, new Set());
    if (ms > criticalMs || end === undefined) {
      criticalMs = ms;
      end = id;
    }
  }
  const path: string[] = [];
  for (let id = end; id !== undefined; id = best.get(id)?.via) path.unshift(id);
  const wall = timed.size > 0 ? last - first : 0;
  return {
    maxParallelSteps,
    stepsTimed: timed.size,
    busyMs: busy,
    wallMs: wall,
    criticalPath: path,
    criticalPathMs: criticalMs,
    achieved: wall > 0 ? busy / wall : null,
    possible: criticalMs > 0 ? busy / criticalMs : null,
    ofCriticalPath: wall > 0 ? criticalMs / wall : null,
  };
}

/**
 * The plan-quality report and cost figures for terminals: pure functions over a run's state (the
 * `getState` query answers for ended runs too) or its result. The figures themselves are computed by
 * workflows/plan-report.ts, which the workflow also uses to put them in the run's result.
 */
import { describeLimits } from '../../workflows/budget-state';
import { formatUsd } from '../../workflows/cost';
import type { CallTotals } from '../../workflows/cost';
import { buildReport, type PlanReport } from '../../workflows/plan-report';
import type { RunState, UsageEntry } from '../../workflows/state';
import { runTotals } from '../../workflows/usage';
import { safeText } from '../cli/terminal-safe';

export { buildReport, type PlanReport } from '../../workflows/plan-report';
export { formatUsd } from '../../workflows/cost';

/** The report of a run from its state, as of now (an ended run: as of its end). */
export function reportFromState(state: RunState, nowMs = Date.now()): PlanReport {
  return buildReport(state, nowMs);
}

const STATUS_NAMES: Record<string, string> = {
  awaiting_approval: 'approval',
  waiting_for_human: 'answers',
  paused: 'paused',
  awaiting_budget: 'budget',
};

export function formatReport(report: PlanReport): string {
  const { steps, parallelism: p, total } = report;
  const lines = [
    `plan:        ${steps.planned} steps planned · ${steps.ran} ran (${steps.done - steps.reused} done, ${steps.failed} failed) · ${steps.skipped} skipped · ${steps.removed} removed · ${steps.pending} not run · ${steps.reused} reused · ${steps.repaid} re-paid`,
    `re-plans:    ${report.replans.count} re-planner decisions, ${count(report.replans.revisions.length, 'revision')} after the first plan${report.replans.revisionsOmitted > 0 ? ` (${report.replans.revisionsOmitted} older ones not kept)` : ''}`,
  ];
  for (const r of report.replans.revisions) {
    const what = [
      r.added.length > 0 ? `added ${r.added.join(', ')}` : '',
      r.changed.length > 0 ? `changed ${r.changed.join(', ')}` : '',
      r.removed.length > 0 ? `removed ${r.removed.join(', ')}` : '',
    ].filter(Boolean);
    lines.push(
      `  v${r.version} ${r.author.padEnd(9)} ${what.join('; ') || 'no change'} — ${oneLine(r.reason, 100)}`,
    );
  }
  lines.push(
    p.stepsTimed === 0
      ? 'parallelism: no step ran'
      : `parallelism: ${ratio(p.achieved)} steps at once on average (limit ${p.maxParallelSteps}); the dependencies allowed ${ratio(p.possible)}; critical path ${p.criticalPath.join(' → ')} = ${seconds(p.criticalPathMs)} of ${seconds(p.wallMs)} from first step to last (${percent(p.ofCriticalPath)})`,
  );
  const cache = report.cache;
  lines.push(
    `cost:        ${formatUsd(total)} for ${total.calls} model calls · ${total.inputTokens} in / ${total.outputTokens} out tokens · ${percent(cache.readShare)} of input from the prompt cache (${cache.cacheReadTokens} read, ${cache.cacheWriteTokens} written)`,
    'by role:',
    ...report.byRole.map((r) => `  ${r.role.padEnd(9)} ${safeText(r.model).padEnd(34)} ${totalsLine(r)}`),
    'by step:',
    ...report.bySteps.map((s) => {
      const time = s.ms === null ? '      –' : seconds(s.ms).padStart(7);
      const extra = s.reusedFrom
        ? `reused ${s.reusedFrom}, no call`
        : s.spend.calls > 0
          ? totalsLine(s.spend)
          : 'no call';
      const redo = s.redoes ? ` (re-does ${s.redoes})` : '';
      return `  ${s.id.padEnd(12)} ${s.status.padEnd(8)} ${time}  ${extra}${redo}  ${oneLine(s.title, 50)}`;
    }),
  );
  const { retries, repaid } = report;
  lines.push(
    `retries:     ${retries.retriedCalls} calls retried (${retries.extraAttempts} extra attempts; failed attempts bill nothing the run can see) · ${retries.reasks.calls} corrective re-asks (${formatUsd(retries.reasks)})`,
    `re-paid:     ${repaid.steps.length === 0 ? 'nothing' : `${repaid.steps.join(', ')} did finished work again (${formatUsd(repaid)})`}`,
  );
  const waits = Object.entries(report.waiting.byStatus)
    .map(([status, ms]) => `${STATUS_NAMES[status] ?? status} ${seconds(ms ?? 0)}`)
    .join(', ');
  lines.push(`waiting:     ${seconds(report.waiting.forPeopleMs)} for people${waits ? ` (${waits})` : ''}`);
  if (report.budget) {
    lines.push(
      `budget:      ${describeLimits(report.budget.limits)} · stopped ${times(report.budget.stops)} · extended ${times(report.budget.extensions)}`,
    );
  }
  lines.push(
    `time:        ${seconds(report.runMs)} from start to ${report.ended ? 'end' : 'now (still running)'}`,
  );
  return lines.join('\n');
}

/** "3 calls  1200 in (800 cached) / 80 out  $0.0042  1.2 s" */
export function totalsLine(t: CallTotals): string {
  const cached = t.cacheReadTokens > 0 ? ` (${t.cacheReadTokens} cached)` : '';
  return `${count(t.calls, 'call').padStart(8)}  ${t.inputTokens} in${cached} / ${t.outputTokens} out  ${formatUsd(t)}  ${seconds(t.ms)}`;
}

/** Usage lines for `status` and results: per role and model, with dollars and cache, and the total. */
export function formatUsageLines(usage: UsageEntry[]): string[] {
  if (usage.length === 0) return ['usage:    (no model calls yet)'];
  const total = runTotals(usage);
  return [
    'usage:',
    ...usage.map((u) => {
      const cached = u.cacheReadTokens ? ` (${u.cacheReadTokens} cached)` : '';
      return `  ${u.role.padEnd(9)} ${safeText(u.model).padEnd(34)} ${String(u.calls).padStart(3)} calls  ${u.inputTokens} in${cached} / ${u.outputTokens} out  ${formatUsd({ costUsd: u.costUsd ?? null, unpricedCalls: u.unpricedCalls ?? (u.costUsd === undefined ? u.calls : 0) })}`;
    }),
    `cost:     ${formatUsd(total)}${total.cacheReadTokens > 0 ? ` · ${percent(total.cacheReadTokens / Math.max(1, total.inputTokens))} of input tokens from the prompt cache` : ''}`,
  ];
}

/** Budget lines for `status`: the limits, what was spent, and what the run waits for. */
export function formatBudgetLines(state: RunState): string[] {
  const budget = state.budget;
  if (!budget) return [];
  const lines = [
    `budget:   ${describeLimits(budget.limits)}${budget.extensions.length > 0 ? ` (extended ${budget.extensions.length} times)` : ''}`,
  ];
  if (budget.waiting) {
    lines.push(`          waiting: ${safeText(budget.waiting.message)}`);
    lines.push(
      '          extend with `npm run agent -- budget <id> --add-usd N` (or --add-tokens, --add-minutes), or cancel',
    );
  }
  return lines;
}

function ratio(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

function percent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}

/** "850 ms", "12.3 s": calls to a fast server take milliseconds, steps with waits take seconds. */
function seconds(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "1 call", "3 calls" */
function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

/** Model and people's text, on one line, made safe for the terminal (see src/cli/terminal-safe.ts). */
function oneLine(text: string, max: number): string {
  const flat = safeText(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The markdown the Temporal Web UI shows as a run's "current details": status, question, every step. */
import { describeLimits } from './budget-state';
import { formatUsd } from './cost';
import type { PlanStep, RunState } from './state';
import { runTotals } from './usage';

/** Finished steps shown at most; older ones are counted, so rendering stays cheap on long runs. */
const MAX_FINISHED_SHOWN = 30;

export function renderDetails(state: RunState): string {
  const { plan } = state;
  let done = 0;
  const finished: PlanStep[] = [];
  const open: PlanStep[] = [];
  for (const step of plan.steps) {
    if (step.status === 'done') done += 1;
    if (step.status === 'pending' || step.status === 'running') open.push(step);
    else finished.push(step);
  }
  const totals = runTotals(state.usage);
  const cached = totals.cacheReadTokens > 0 ? ` (${totals.cacheReadTokens} from cache)` : '';
  const lines = [
    `**${state.status}** · plan v${plan.version} · ${done}/${plan.steps.length} steps done · ${totals.inputTokens + totals.outputTokens} tokens${cached} · cost ${formatUsd(totals)}`,
  ];
  if (state.budget) lines.push('', `**Budget:** ${describeLimits(state.budget.limits)}`);
  if (state.budget?.waiting) {
    lines.push('', `**Waiting for a bigger budget:** ${state.budget.waiting.message}`);
  }
  for (const q of state.questions) lines.push('', `**Question (${q.id}, step ${q.stepId}):** ${q.question}`);
  for (const c of state.pendingCalls) {
    lines.push(
      '',
      `**Call waiting for approval (${c.id}, step ${c.stepId}):** \`${c.tool}\` ${c.kind}`,
      '```json',
      c.arguments.slice(0, 1_000),
      '```',
      `Approve with the \`approveCall\` signal or update, \`{"callId": "${c.id}"}\`; deny with \`denyCall\`, \`{"callId": "${c.id}", "reason": "..."}\`.`,
    );
  }
  const hidden = Math.max(0, finished.length - MAX_FINISHED_SHOWN);
  if (hidden > 0) lines.push('', `_${hidden} earlier finished steps not shown_`);
  const pinned = new Set(state.pinnedStepIds);
  lines.push(
    '',
    ...[...finished.slice(hidden), ...open].map(
      (s) =>
        `- \`${s.status}\` **${s.id}** ${s.title}${pinned.has(s.id) ? ' 📌' : ''}${s.spend ? ` · ${formatUsd(s.spend)}` : ''}${s.reusedFrom ? ` · reused ${s.reusedFrom}` : ''}`,
    ),
  );
  if (state.endMessage) lines.push('', `**Ended (${state.endReason ?? ''}):** ${state.endMessage}`);
  return lines.join('\n');
}

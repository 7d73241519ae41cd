/** Human-readable views of a run's state and result for the terminal. */
import type { RunEvent, RunResult, RunState, UsageEntry } from '../../workflows/state';
import { formatBudgetLines, formatUsageLines } from '../report';

const STATUS_MARK: Record<string, string> = {
  pending: '·',
  running: '▶',
  done: '✓',
  failed: '✗',
  skipped: '–',
};

export function formatState(state: RunState): string {
  const lines = [
    `status:   ${state.status}${state.endReason ? ` (${state.endReason})` : ''}`,
    `goal:     ${state.goal}`,
    `plan:     v${state.plan.version}, ${state.plan.steps.filter((s) => s.status === 'done').length}/${state.plan.steps.length} steps done, ${state.stepsExecuted} executed, ${state.replans} re-plans`,
  ];
  if (state.runningStepIds.length > 0) lines.push(`running:  ${state.runningStepIds.join(', ')}`);
  if (state.paused) lines.push('paused:   yes (resume with `npm run agent -- resume <id>`)');
  lines.push(...formatBudgetLines(state));
  if (state.pendingQuestion) {
    const q = state.pendingQuestion;
    lines.push(`question: ${q.id} from step ${q.stepId}: ${q.question}`);
    lines.push('          answer with `npm run agent -- answer <id> "<answer>"`');
  }
  if (state.status === 'awaiting_approval') {
    lines.push('approval: waiting (`npm run agent -- approve <id>` or `reject <id> --reason "..."`)');
  }
  lines.push('', 'steps:');
  for (const step of state.plan.steps) {
    const deps = step.dependsOn.length > 0 ? `  (after ${step.dependsOn.join(', ')})` : '';
    const pinned = state.pinnedStepIds.includes(step.id) ? '  (pinned: a person added or changed it)' : '';
    lines.push(
      `  ${STATUS_MARK[step.status] ?? '?'} ${step.id} [${step.status}] ${step.title}${deps}${pinned}`,
    );
    if (step.result) lines.push(`      ${oneLine(step.result, 160)}`);
  }
  lines.push('', 'revisions:');
  for (const r of state.plan.revisions) {
    lines.push(`  v${r.version} by ${r.author}: ${oneLine(r.reason, 120)}`);
  }
  if (state.advice.length > 0) {
    lines.push('', 'advice:', ...state.advice.map((a) => `  ${a.at.slice(0, 19)} ${oneLine(a.note, 140)}`));
  }
  lines.push('', ...formatUsage(state.usage));
  if (state.endMessage) lines.push('', `end: ${state.endMessage}`);
  if (state.answer) lines.push('', 'answer:', state.answer);
  return lines.join('\n');
}

export function formatUsage(usage: UsageEntry[]): string[] {
  return formatUsageLines(usage);
}

export function formatResult(result: RunResult): string {
  const lines = [
    `ended:    ${result.endReason} after ${result.stepsExecuted} steps and ${result.replans} re-plans`,
  ];
  lines.push(`message:  ${result.message}`);
  lines.push(...formatUsage(result.usage));
  if (result.answer !== null) lines.push('', 'answer:', result.answer);
  return lines.join('\n');
}

export function formatEvent(event: RunEvent): string {
  const time = event.at.slice(11, 19);
  return `${time} ${event.kind.padEnd(14)} ${oneLine(event.message, 200)}`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

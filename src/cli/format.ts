/**
 * Human-readable views of a run's state, result and replies for the terminal. Everything that came from a
 * model or a person goes through safeText (see terminal-safe.ts).
 */
import type { CancelOutcome } from '../client/run-handle';
import type { ControlAck } from '../../workflows/messages';
import type { RunEvent, RunResult, RunState, UsageEntry } from '../../workflows/state';
import { formatBudgetLines, formatUsageLines } from '../report';
import { safeText } from './terminal-safe';

const STATUS_MARK: Record<string, string> = {
  pending: '·',
  running: '▶',
  done: '✓',
  failed: '✗',
  skipped: '–',
  removed: '×',
};

export function formatState(state: RunState): string {
  const steps = state.plan.steps;
  const lines = [
    `status:   ${state.status}${state.endReason ? ` (${state.endReason})` : ''}`,
    `goal:     ${oneLine(state.goal, 400)}`,
    `plan:     v${state.plan.version}, ${steps.filter((s) => s.status === 'done').length}/${countable(state)} steps done, ${state.stepsExecuted} executed, ${state.replans} re-plans`,
  ];
  if (state.runningStepIds.length > 0) lines.push(`running:  ${state.runningStepIds.join(', ')}`);
  if (state.paused) lines.push('paused:   yes (resume with `npm run agent -- resume <id>`)');
  if (state.cancelling && state.status !== 'cancelled') lines.push('cancel:   requested; the run is closing');
  lines.push(...formatBudgetLines(state));
  if (state.pendingQuestion) {
    const q = state.pendingQuestion;
    lines.push(`question: ${q.id} from step ${q.stepId}: ${oneLine(q.question, 400)}`);
    lines.push('          answer with `npm run agent -- answer <id> "<answer>"`');
  }
  for (const c of state.pendingCalls ?? []) {
    lines.push(
      `call:     ${c.id} from step ${c.stepId} waits for approval: ${c.tool} ${oneLine(c.arguments, 140)}`,
    );
    lines.push(
      `          \`npm run agent -- approve-call <id> ${c.id}\` or \`deny-call <id> ${c.id} --reason "..."\``,
    );
  }
  if (state.status === 'awaiting_approval') {
    lines.push('approval: waiting (`npm run agent -- approve <id>` or `reject <id> --reason "..."`)');
  }
  lines.push('', 'steps:');
  for (const step of steps) {
    const deps = step.dependsOn.length > 0 ? `  (after ${step.dependsOn.join(', ')})` : '';
    const pinned = state.pinnedStepIds.includes(step.id) ? '  (pinned: a person added or changed it)' : '';
    lines.push(
      `  ${STATUS_MARK[step.status] ?? '?'} ${step.id} [${step.status}] ${oneLine(step.title, 200)}${deps}${pinned}`,
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
  if (state.endMessage) lines.push('', `end: ${oneLine(state.endMessage, 1_000)}`);
  if (state.answer) lines.push('', 'answer:', safeText(state.answer, { multiline: true }));
  return lines.join('\n');
}

/** Steps that count towards progress: removed and skipped ones never run. */
export function countable(state: RunState): number {
  return state.plan.steps.filter((s) => s.status !== 'skipped' && s.status !== 'removed').length;
}

export function formatUsage(usage: UsageEntry[]): string[] {
  return formatUsageLines(usage);
}

export function formatResult(result: RunResult): string {
  const lines = [
    `ended:    ${result.endReason} after ${result.stepsExecuted} steps and ${result.replans} re-plans`,
  ];
  lines.push(`message:  ${oneLine(result.message, 1_000)}`);
  lines.push(...formatUsage(result.usage));
  if (result.answer !== null) lines.push('', 'answer:', safeText(result.answer, { multiline: true }));
  return lines.join('\n');
}

/** How a run that was cancelled ended, from its final state (a cancelled run has no result). */
export function formatCancelled(state: RunState | undefined, execution: string): string {
  if (!state)
    return `ended:    cancelled (Temporal execution ${execution}; no worker answered for the final state)`;
  return [
    `ended:    cancelled after ${state.stepsExecuted} steps and ${state.replans} re-plans (Temporal execution ${execution})`,
    `message:  ${oneLine(state.endMessage ?? '', 1_000)}`,
    ...formatUsage(state.usage),
  ].join('\n');
}

export function formatEvent(event: RunEvent): string {
  const time = event.at.slice(11, 19);
  return `${time} ${safeText(event.kind).padEnd(14)} ${oneLine(event.message, 200)}`;
}

/** A control's reply: what it did, the plan version and status it produced, and any notes. */
export function formatAck(ack: ControlAck): string {
  return [
    `OK: ${oneLine(ack.message, 400)} (plan v${ack.planVersion}, status ${ack.status})`,
    ...(ack.notes ?? []).map((note) => `note: ${oneLine(note, 400)}`),
  ].join('\n');
}

/** cancel's reply: the acknowledgement, then the run as it ended. */
export function formatCancelOutcome(outcome: CancelOutcome): string {
  const { ack, state, execution } = outcome;
  if (execution === 'RUNNING') {
    return `${formatAck(ack)}\nThe run has not closed yet (Temporal execution RUNNING); check with \`npm run agent -- status <id>\`.`;
  }
  const lines = [formatAck(ack)];
  lines.push(
    state
      ? `Ended: plan v${state.plan.version}, status ${state.status}${state.endReason ? ` (${state.endReason})` : ''}, Temporal execution ${execution}`
      : `Ended: Temporal execution ${execution} (no worker answered for the final state)`,
  );
  if (state?.endMessage) lines.push(`end: ${oneLine(state.endMessage, 1_000)}`);
  return lines.join('\n');
}

/** Text from a model or a person on one line, neutralised for the terminal and cut at `max`. */
export function oneLine(text: string, max: number): string {
  const flat = safeText(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * `agent watch`: a run's plan and step statuses, live, until it ends. On a terminal the whole view is
 * redrawn in place whenever it changes; into a file or a pipe it writes one line per change (a new event,
 * a run status change, a step that appeared or was removed or skipped), never whole blocks.
 */
import type { RunChange } from '../client/watch';
import type { RunHandle } from '../client/run-handle';
import type { RunState } from '../../workflows/state';
import { countable, formatEvent, formatState, oneLine } from './format';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Home the cursor and clear the screen: the CLI's own sequence, written apart from any run text. */
const REDRAW = '\x1b[H\x1b[2J';

export async function watchCommand(
  run: RunHandle,
  out: Output = process.stdout,
  intervalMs = 500,
): Promise<{ state: RunState | undefined; execution: string }> {
  let last = '';
  let final: { state: RunState | undefined; execution: string } = { state: undefined, execution: 'RUNNING' };
  for await (const change of run.watch({ intervalMs })) {
    if (change.type === 'closed') final = { state: change.state, execution: change.execution };
    if (out.isTTY) {
      const state = 'state' in change ? change.state : undefined;
      const view = state
        ? screen(run.workflowId, change.type === 'closed' ? change.execution : 'RUNNING', state)
        : '';
      if (change.type === 'unanswered') out.write(`${changeLine(run.workflowId, change)}\n`);
      else if (view !== '' && view !== last) {
        out.write(`${REDRAW}${view}\n`);
        last = view;
      }
    } else {
      const line = changeLine(run.workflowId, change);
      if (line !== undefined) out.write(`${line}\n`);
    }
  }
  return final;
}

function screen(workflowId: string, execution: string, state: RunState): string {
  return `${workflowId} (${execution})\n${progress(state)}\n${formatState(state)}`;
}

/**
 * One line for a change, or undefined for a change another line already tells: a step starting, ending
 * or failing has its own event (step_started, step_done, step_failed).
 */
export function changeLine(workflowId: string, change: RunChange): string | undefined {
  switch (change.type) {
    case 'event':
      return formatEvent(change.event);
    case 'step': {
      const { step, from } = change;
      const time = change.state.updatedAt.slice(11, 19);
      if (from === undefined) {
        const deps = step.dependsOn.length > 0 ? ` (after ${step.dependsOn.join(', ')})` : '';
        const why = gone(step.status) && step.result ? `: ${oneLine(step.result, 300)}` : '';
        return `${time} ${'step'.padEnd(14)} ${step.id} [${step.status}] ${oneLine(step.title, 200)}${deps}${why}`;
      }
      if (!gone(step.status)) return undefined;
      return `${time} ${`step_${step.status}`.padEnd(14)} ${step.id} ${oneLine(step.title, 120)}: ${oneLine(step.result ?? '', 300)}`;
    }
    case 'status': {
      const time = change.state.updatedAt.slice(11, 19);
      return `${time} ${'status'.padEnd(14)} ${change.from ? `${change.from} -> ` : ''}${change.to}`;
    }
    case 'unanswered':
      return `(no worker answered the state query: ${oneLine(change.message, 300)}; start one with \`npm run worker\`; still watching)`;
    case 'closed': {
      const s = change.state;
      if (!s) return `${workflowId} closed: ${change.execution}`;
      const done = s.plan.steps.filter((step) => step.status === 'done').length;
      return `${workflowId} closed: ${change.execution}, status ${s.status}${s.endReason ? ` (${s.endReason})` : ''}, plan v${s.plan.version}, ${done}/${countable(s)} steps done`;
    }
  }
}

/** Removed by a person or skipped by the re-planner: no event names the step, so its line says why. */
function gone(status: string): boolean {
  return status === 'removed' || status === 'skipped';
}

function progress(state: RunState): string {
  const total = countable(state);
  const done = state.plan.steps.filter((s) => s.status === 'done').length;
  const width = 20;
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} steps`;
}

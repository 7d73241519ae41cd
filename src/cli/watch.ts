import type { WorkflowHandle } from '@temporalio/client';
import { getStateQuery } from '../../workflows/messages';
import type { RunState } from '../../workflows/state';
import { formatState } from './format';

/**
 * Show a run's plan and step statuses live until it ends. On a terminal the view is redrawn in place;
 * otherwise a new view is printed whenever something changes.
 */
export async function watchRun(
  handle: WorkflowHandle,
  intervalMs = 500,
  out: NodeJS.WriteStream = process.stdout,
): Promise<RunState | undefined> {
  let last = '';
  let state: RunState | undefined;
  for (;;) {
    const description = await handle.describe();
    try {
      state = await handle.query(getStateQuery);
    } catch {
      // No worker answers yet; keep watching.
    }
    const running = description.status.name === 'RUNNING';
    if (state) {
      const view = `${handle.workflowId} (${description.status.name})\n${progress(state)}\n${formatState(state)}`;
      if (view !== last) {
        if (out.isTTY) out.write('\x1b[2J\x1b[H');
        else if (last !== '') out.write('\n');
        out.write(`${view}\n`);
        last = view;
      }
    }
    if (!running) return state;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function progress(state: RunState): string {
  const total = state.plan.steps.filter((s) => s.status !== 'skipped').length;
  const done = state.plan.steps.filter((s) => s.status === 'done').length;
  const width = 20;
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} steps`;
}

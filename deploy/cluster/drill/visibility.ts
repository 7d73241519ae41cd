/**
 * The drill's visibility check: the runs are found by a Temporal list filter, through the official CLI
 * (`temporal workflow list --query`), from the PostgreSQL visibility store. Visibility is written after the
 * fact, so the check waits for it to catch up.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findTemporalCli } from '../../../src/devserver/find-cli';
import { sleep } from '../processes';
import { MODELS } from './scenario';

const run = promisify(execFile);

export function drillQuery(prefix: string): string {
  return `WorkflowType = 'planAndExecute' AND WorkflowId STARTS_WITH '${prefix}' AND ExecutionStatus = 'Completed' AND AgentModels = '${MODELS.planner}'`;
}

/** How many runs the filter lists, waiting up to `timeoutMs` for `expected`. */
export async function listedByFilter(
  address: string,
  namespace: string,
  query: string,
  expected: number,
  timeoutMs = 60_000,
): Promise<number> {
  const cli = findTemporalCli();
  const deadline = Date.now() + timeoutMs;
  let found = 0;
  for (;;) {
    const { stdout } = await run(
      cli,
      [
        'workflow',
        'list',
        '--address',
        address,
        '--namespace',
        namespace,
        '--query',
        query,
        '--limit',
        String(expected + 50),
        '--output',
        'jsonl',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    found = stdout.split('\n').filter((line) => line.trim().startsWith('{')).length;
    if (found >= expected || Date.now() > deadline) return found;
    await sleep(2_000);
  }
}

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

/**
 * With RECORD_HISTORIES=1 (`npm run record-histories`), save the run's event history as
 * test/histories/<name>.json for the replay suite, in the JSON form `temporal workflow show --output json`
 * prints. Otherwise does nothing.
 */
export async function recordHistory(handle: WorkflowHandle, name: string, address: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const { stdout } = await promisify(execFile)(
    process.env.TEMPORAL_CLI_PATH ?? 'temporal',
    [
      'workflow',
      'show',
      '--address',
      address,
      '--namespace',
      'default',
      '--workflow-id',
      handle.workflowId,
      '--output',
      'json',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  // HISTORIES_OUT: record into another folder (to add new histories without replacing the old ones).
  writeFileSync(path.join(process.env.HISTORIES_OUT ?? HISTORIES_DIR, `${name}.json`), stdout);
}

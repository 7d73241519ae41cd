/**
 * Replays recorded histories of representative runs against the current workflow code. A change that
 * breaks determinism (a different sequence of commands for the same history) fails here. Re-record with
 * `npm run record-histories` only for intended changes to new runs, and guard such changes with patched()
 * so runs already in flight keep replaying (see README, "Replay safety").
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from './helpers/histories';
import { installQuietRuntime } from './helpers/runtime';

const EXPECTED = [
  'approved',
  'asked',
  'cancelled',
  'continued-as-new',
  'crashed-0',
  'crashed-1',
  'crashed-2',
  'crashed-3',
  'edited',
  'plain',
  'server-restarted',
  'signalled',
];

describe('replay of recorded histories', () => {
  beforeAll(() => {
    installQuietRuntime();
  });

  const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));

  it('has the representative histories', () => {
    expect(files.map((f) => path.basename(f, '.json'))).toEqual(expect.arrayContaining(EXPECTED));
  });

  it('replays every one of them without a determinism error', async () => {
    const histories = files.map((file) => ({
      workflowId: path.basename(file, '.json'),
      history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))),
    }));
    const bundle = process.env.PE_WORKFLOW_BUNDLE;
    const results = [];
    for await (const result of Worker.runReplayHistories(
      bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../workflows') },
      histories,
    )) {
      results.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : undefined });
    }
    expect(results).toHaveLength(files.length);
    expect(results.filter((r) => r.error)).toEqual([]);
  });
});

/**
 * Replays recorded histories of representative runs against the current workflow code. A change that
 * breaks determinism (a different sequence of commands for the same history) fails here. Re-record with
 * `npm run record-histories` only for intended changes to new runs, and guard such changes with patched()
 * so runs already in flight keep replaying (see README, "Replay safety").
 *
 * test/histories/*.json are runs of the current core; test/histories/v1/ are runs started before the v2
 * core, which must keep replaying on the frozen v1 code (workflows/v1) for as long as it ships.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from './helpers/histories';
import { installQuietRuntime } from './helpers/runtime';

const REPRESENTATIVE = ['approved', 'asked', 'cancelled', 'continued-as-new', 'edited', 'plain', 'signalled'];
/**
 * Runs of the current core only: they carry the markers of patches newer than v1 (the turns-* ones were
 * recorded after a step's fast turns went into one local activity, patch executor-turns).
 */
const CURRENT_ONLY = [
  'late-edit',
  'turns-plain',
  'turns-call-approved',
  'turns-late-edit',
  'turns-parallel-asked',
];
const CRASHES = ['crashed-0', 'crashed-1', 'crashed-2', 'crashed-3', 'server-restarted'];
const V1_DIR = path.join(HISTORIES_DIR, 'v1');

function load(dir: string): { workflowId: string; file: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({
      workflowId: `${path.basename(dir)}/${path.basename(f, '.json')}`,
      file: path.join(dir, f),
    }));
}

async function replay(
  files: { workflowId: string; file: string }[],
): Promise<{ workflowId: string; error?: string }[]> {
  const histories = files.map(({ workflowId, file }) => ({
    workflowId,
    history: historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))),
  }));
  const bundle = process.env.PE_WORKFLOW_BUNDLE;
  const results = [];
  for await (const result of Worker.runReplayHistories(
    bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../workflows') },
    histories,
  )) {
    results.push({ workflowId: result.workflowId, ...(result.error ? { error: String(result.error) } : {}) });
  }
  return results;
}

describe('replay of recorded histories', () => {
  beforeAll(() => {
    installQuietRuntime();
  });

  it('has the representative histories of the current core and of v1', () => {
    const names = (dir: string) => load(dir).map((h) => path.basename(h.file, '.json'));
    expect(names(HISTORIES_DIR)).toEqual(
      expect.arrayContaining([...REPRESENTATIVE, ...CURRENT_ONLY, ...CRASHES]),
    );
    expect(names(V1_DIR)).toEqual(expect.arrayContaining([...REPRESENTATIVE, ...CRASHES]));
  });

  it('replays every history of the current core without a determinism error', async () => {
    const files = load(HISTORIES_DIR);
    const results = await replay(files);
    expect(results).toHaveLength(files.length);
    expect(results.filter((r) => r.error)).toEqual([]);
  });

  it('replays every run started before v2 on the frozen v1 code', async () => {
    const files = load(V1_DIR);
    const results = await replay(files);
    expect(results).toHaveLength(files.length);
    expect(results.filter((r) => r.error)).toEqual([]);
  });
});

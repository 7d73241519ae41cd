import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  builtInTools,
  callFingerprint,
  once,
  ToolResultStore,
  Workspace,
  workspaceDirName,
} from '../src/tools';
import { toolContext } from './helpers/tool-context';

describe('workspace and file tools', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'pe-wsunit-'));
    outside = mkdtempSync(path.join(os.tmpdir(), 'pe-outside-'));
    writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const call = async (name: string, input: unknown) => {
    const workspace = await Workspace.open(root, 'wf/1');
    return builtInTools().call(
      name,
      input,
      toolContext(workspace, 'k', (work) => work()),
      'c1',
    );
  };

  it('writes, lists and reads inside the workspace', async () => {
    expect(await call('write_file', { path: 'a/b.txt', content: 'hi' })).toEqual({
      toolCallId: 'c1',
      content: 'Wrote 2 bytes to a/b.txt',
      isError: false,
    });
    expect(readFileSync(path.join(root, workspaceDirName('wf/1'), 'a', 'b.txt'), 'utf8')).toBe('hi');
    expect((await call('list_files', { recursive: true })).content).toBe('a/\na/b.txt');
    expect((await call('read_file', { path: 'a/b.txt' })).content).toBe('hi');
  });

  it('refuses .., absolute paths and symlinks that lead outside, as error results', async () => {
    const workspace = await Workspace.open(root, 'wf/1');
    symlinkSync(outside, path.join(workspace.root, 'link'));
    const cases: [string, unknown, string][] = [
      ['read_file', { path: '../../etc/passwd' }, 'may leave the workspace'],
      ['read_file', { path: '/etc/passwd' }, 'Absolute paths are not allowed'],
      ['read_file', { path: 'link/secret.txt' }, 'through a symlink'],
      ['write_file', { path: 'link/new.txt', content: 'x' }, 'through a symlink'],
      ['list_files', { path: 'link' }, 'through a symlink'],
    ];
    for (const [name, input, message] of cases) {
      const result = await call(name, input);
      expect(result.isError).toBe(true);
      expect(result.content).toContain(message);
    }
    expect(readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('does a write once per idempotency key: a retried call gets the stored result and writes nothing', async () => {
    const workspace = await Workspace.open(root, 'wf/1');
    const store = await ToolResultStore.open(root, 'wf/1');
    const write = (key: string, content: string) =>
      builtInTools().call(
        'write_file',
        { path: 'out.txt', content },
        toolContext(workspace, key, (work) => once(store, key, work)),
        'c1',
      );
    expect((await write('wf/1/step-a/turn-1/call-0', 'first')).content).toBe('Wrote 5 bytes to out.txt');
    writeFileSync(path.join(workspace.root, 'out.txt'), 'changed since');
    // The same call again (a retry after a crash): the stored result, and the file is left alone.
    expect((await write('wf/1/step-a/turn-1/call-0', 'first')).content).toBe('Wrote 5 bytes to out.txt');
    expect(readFileSync(path.join(workspace.root, 'out.txt'), 'utf8')).toBe('changed since');
    // A different call writes.
    expect((await write('wf/1/step-b/turn-1/call-0', 'second')).content).toBe('Wrote 6 bytes to out.txt');
    expect(readFileSync(path.join(workspace.root, 'out.txt'), 'utf8')).toBe('second');
    expect(readdirSync(root)).toEqual(expect.arrayContaining(['.tool-results', workspaceDirName('wf/1')]));
  });

  it('names workspaces so that no workflow id reaches the root or its parent, and distinct ids never share one', async () => {
    expect(workspaceDirName('..')).toMatch(/^__~[0-9a-f]{16}$/);
    expect(workspaceDirName('.')).toMatch(/^_~[0-9a-f]{16}$/);
    expect(workspaceDirName('../etc')).toMatch(/^___etc~[0-9a-f]{16}$/);
    expect(workspaceDirName('plan-2026-11-27T00-00-00-abcd')).toBe('plan-2026-11-27T00-00-00-abcd');
    // Ids that differ only in characters unsafe in paths used to share a folder.
    const lookalikes = ['a/b', 'a:b', 'a b', 'a_b', 'a\\b', 'x'.repeat(300), `${'x'.repeat(300)}y`];
    expect(new Set(lookalikes.map(workspaceDirName)).size).toBe(lookalikes.length);
    const ws = await Workspace.open(root, '..');
    expect(path.dirname(ws.root)).toBe(realpathSync(root));
  });

  it('refuses a write through a symlink whose target does not exist yet', async () => {
    const workspace = await Workspace.open(root, 'wf/1');
    symlinkSync(path.join(outside, 'created.txt'), path.join(workspace.root, 'dangling'));
    const result = await call('write_file', { path: 'dangling', content: 'x' });
    expect(result).toMatchObject({
      isError: true,
      content: expect.stringContaining('symlink to a missing target'),
    });
    expect(existsSync(path.join(outside, 'created.txt'))).toBe(false);
  });

  it('reads long files piece by piece', async () => {
    await call('write_file', { path: 'long.txt', content: 'a'.repeat(30_000) + 'TAIL' });
    const first = await call('read_file', { path: 'long.txt' });
    expect(first.content.endsWith('[characters 0-30000 of 30004; continue with offset 30000]')).toBe(true);
    expect((await call('read_file', { path: 'long.txt', offset: 30_000 })).content).toBe(
      'TAIL\n[characters 30000-30004 of 30004]',
    );
  });

  it('runs a call again when the same key comes with a different input', async () => {
    const store = await ToolResultStore.open(root, 'wf/2');
    let runs = 0;
    const work = () => Promise.resolve(`run ${++runs}`);
    expect(await once(store, 'k', work, callFingerprint('write_file', { content: 'a' }))).toBe('run 1');
    expect(await once(store, 'k', work, callFingerprint('write_file', { content: 'a' }))).toBe('run 1');
    expect(await once(store, 'k', work, callFingerprint('write_file', { content: 'b' }))).toBe('run 2');
  });

  it('returns bad input and unknown tools to the model as errors', async () => {
    expect(await call('write_file', { path: 'x' })).toMatchObject({
      isError: true,
      content: expect.stringContaining('content'),
    });
    expect(await call('delete_everything', {})).toMatchObject({
      isError: true,
      content: expect.stringContaining('Unknown tool'),
    });
  });
});

/**
 * Confinement of every file the worker reads or writes for a run (issue 9 item 3), on a real file system:
 * the tools' own files and the worker's own writes (an oversized result spilled to outputs/, an MCP image
 * kept in the workspace, the stores of call results beside the workspaces) all go through one resolver that
 * refuses "..", absolute paths, symlinks anywhere on the path and hard-linked files.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capToolResult, MAX_TOOL_RESULT_CHARS } from '../activities/run-tool';
import { ResultStore } from '../src/durable/result-store';
import { renderMcpResult } from '../src/tools/mcp/results';
import { builtInTools, fileStem, Workspace, workspaceDirName, WorkspacePathError } from '../src/tools';
import { toolContext } from './helpers/tool-context';

const KEY = 'wf-1@run-1/step-s1/turn-1/call-0';
const SPILL = `outputs/${fileStem(KEY)}.txt`;
const big = (): { toolCallId: string; content: string; isError: boolean } => ({
  toolCallId: 'c1',
  content: `HEAD${'y'.repeat(MAX_TOOL_RESULT_CHARS + 100)}`,
  isError: false,
});

let root: string;
let outside: string;
let workspace: Workspace;
beforeEach(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pe-confine-'));
  outside = mkdtempSync(path.join(os.tmpdir(), 'pe-outside-'));
  writeFileSync(path.join(outside, 'victim.txt'), 'untouched');
  workspace = await Workspace.open(root, 'wf-1');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe("the worker's own writes for a run", () => {
  it('spills an oversized result to outputs/ when nothing is in the way', async () => {
    const capped = await capToolResult(big(), workspace, KEY);
    expect(capped.content).toContain(`the full text is in ${SPILL} in the workspace`);
    expect(readFileSync(path.join(workspace.root, SPILL), 'utf8')).toBe(big().content);
  });

  it('refuses to spill through a symlinked outputs/ folder, and writes nothing outside', async () => {
    symlinkSync(outside, path.join(workspace.root, 'outputs'));
    const capped = await capToolResult(big(), workspace, KEY);
    expect(capped.content).toContain('the full text could not be saved in the workspace');
    expect(capped.content).toContain('symlink');
    expect(capped.content.startsWith('HEAD')).toBe(true);
    expect(readdirSync(outside)).toEqual(['victim.txt']);
  });

  it('refuses to spill into a file hard-linked to one outside, which keeps its content', async () => {
    mkdirSync(path.join(workspace.root, 'outputs'));
    linkSync(path.join(outside, 'victim.txt'), path.join(workspace.root, SPILL));
    const capped = await capToolResult(big(), workspace, KEY);
    expect(capped.content).toContain('hard links');
    expect(readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('untouched');
  });

  it('refuses to keep an MCP image through a symlinked folder', async () => {
    symlinkSync(outside, path.join(workspace.root, 'outputs'));
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    await expect(
      renderMcpResult({ content: [{ type: 'image', data: png, mimeType: 'image/png' }] }, workspace, 'x'),
    ).rejects.toThrow(WorkspacePathError);
    expect(readdirSync(outside)).toEqual(['victim.txt']);
  });

  it('refuses to store a call result through a symlinked run folder of the result store', async () => {
    mkdirSync(path.join(root, '.call-results'));
    symlinkSync(outside, path.join(root, '.call-results', workspaceDirName('wf-2')));
    // The run's folder is checked when the store is opened (once per worker), so nothing is ever written.
    await expect(ResultStore.open(root, '.call-results', 'wf-2')).rejects.toThrow(/symlink/);

    expect(readdirSync(outside)).toEqual(['victim.txt']);
  });
});

describe('the resolver', () => {
  const refused = (relative: string) => workspace.resolve(relative);

  it('refuses "..", absolute paths and NUL bytes, naming the rule', async () => {
    await expect(refused('a/../../x')).rejects.toThrow(/uses "\.\."/);
    await expect(refused('a/../b')).rejects.toThrow(/uses "\.\."/);
    await expect(refused('/etc/passwd')).rejects.toThrow(/Absolute paths/);
    await expect(refused('a\0b')).rejects.toThrow(/NUL/);
  });

  it('refuses a symlinked folder even when it points inside the workspace', async () => {
    mkdirSync(path.join(workspace.root, 'real'));
    symlinkSync(path.join(workspace.root, 'real'), path.join(workspace.root, 'alias'));
    await expect(workspace.writeFile('alias/x.txt', 'x')).rejects.toThrow(
      /goes through a symlink \("alias"\)/,
    );
    expect(existsSync(path.join(workspace.root, 'real', 'x.txt'))).toBe(false);
    // The real folder itself is fine.
    await workspace.writeFile('real/x.txt', 'x');
    expect(readFileSync(path.join(workspace.root, 'real', 'x.txt'), 'utf8')).toBe('x');
  });

  it('refuses to read or write a hard-linked file, through the file tools too', async () => {
    linkSync(path.join(outside, 'victim.txt'), path.join(workspace.root, 'linked.txt'));
    const tools = builtInTools();
    const read = await tools.call('read_file', { path: 'linked.txt' }, toolContext(workspace, 'k1'), 'c1');
    const write = await tools.call(
      'write_file',
      { path: 'linked.txt', content: 'overwritten' },
      toolContext(workspace, 'k2'),
      'c2',
    );
    expect(read).toMatchObject({ isError: true, content: expect.stringContaining('2 hard links') });
    expect(write).toMatchObject({ isError: true, content: expect.stringContaining('2 hard links') });
    expect(readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('untouched');
  });

  it('writes whole files atomically and makes missing folders', async () => {
    await workspace.writeFileAtomic('deep/er/file.json', '{"a":1}');
    expect(readFileSync(path.join(workspace.root, 'deep/er/file.json'), 'utf8')).toBe('{"a":1}');
    expect(readdirSync(path.join(workspace.root, 'deep/er'))).toEqual(['file.json']);
  });
});

/**
 * The two opt-in built-ins, against a real HTTP server and a real shell: off unless the tools config enables
 * them; http_fetch reaches only allowed hosts (redirects included) and caps the body; run_command runs in
 * the workspace with a minimal environment, caps its output and is ended at its timeout. Also the example
 * tool module under examples/tools, loaded by path as a worker would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadToolSetup, ToolBox, Workspace } from '../src/tools';
import { toolContext } from './helpers/tool-context';

let dir: string;
let server: http.Server;
let base: string;
let workspace: Workspace;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pe-builtins-'));
  workspace = await Workspace.open(dir, 'wf-builtins');
  server = http.createServer((req, res) => {
    if (req.url === '/hello') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello from the test server');
    } else if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5_000));
    } else if (req.url === '/away') {
      res.writeHead(302, { location: 'http://localhost:1/elsewhere' }).end();
    } else if (req.url === '/echo-key' && req.method === 'POST') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ key: req.headers['idempotency-key'] ?? null }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function toolsWith(builtins: unknown): ToolBox {
  const file = path.join(dir, `tools-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ builtins }));
  return ToolBox.fromSetup(loadToolSetup({ toolsConfigFile: file }));
}

async function call(tools: ToolBox, name: string, input: unknown, key = 'wf@r/step-a/turn-1/call-0') {
  const found = await tools.find(name);
  if (!found) throw new Error(`${name} is not offered`);
  return tools.call(found, input, toolContext(workspace, key), 'c1');
}

describe('opt-in built-ins', () => {
  it('are not offered unless the tools config enables them', async () => {
    const names = (
      await ToolBox.fromSetup({ modules: [], mcpServers: [], policy: {} }).catalogue({})
    ).tools.map((t) => t.name);
    expect(names).not.toContain('http_fetch');
    expect(names).not.toContain('run_command');
    const enabled = await toolsWith({ http_fetch: { allowHosts: ['127.0.0.1'] }, run_command: {} }).catalogue(
      {},
    );
    expect(enabled.tools.find((t) => t.name === 'http_fetch')).toMatchObject({
      kind: 'read-only',
      policy: 'allow',
    });
    expect(enabled.tools.find((t) => t.name === 'run_command')).toMatchObject({
      kind: 'side-effect',
      policy: 'ask',
    });
  });

  it('http_fetch: reaches allowed hosts only, redirects included, and caps the body', async () => {
    const tools = toolsWith({
      http_fetch: { allowHosts: ['127.0.0.1'], maxBytes: 1_000, methods: ['GET', 'POST'] },
    });
    expect((await call(tools, 'http_fetch', { url: `${base}/hello` })).content).toContain(
      'hello from the test server',
    );
    const refused = await call(tools, 'http_fetch', { url: 'http://example.com/' });
    expect(refused).toMatchObject({
      isError: true,
      content: expect.stringContaining('example.com is not on the allow-list'),
    });
    const redirected = await call(tools, 'http_fetch', { url: `${base}/away` });
    expect(redirected).toMatchObject({
      isError: true,
      content: expect.stringContaining('localhost:1 is not on the allow-list'),
    });
    const big = await call(tools, 'http_fetch', { url: `${base}/big` });
    expect(big.content).toContain('[body cut at 1000 bytes]');
    expect(big.content).toContain('x'.repeat(1_000));
    expect(big.content).not.toContain('x'.repeat(1_001));
    // A POST carries the call's idempotency key.
    const post = await call(
      tools,
      'http_fetch',
      { url: `${base}/echo-key`, method: 'POST', body: '{}' },
      'wf@r/step-p/turn-1/call-0',
    );
    expect(post.content).toContain('{"key":"wf@r/step-p/turn-1/call-0"}');
  });

  it('run_command: runs in the workspace with a minimal environment, caps output, ends at its timeout', async () => {
    process.env.PE_TEST_SECRET = 'must-not-leak';
    try {
      const tools = toolsWith({ run_command: { timeoutSeconds: 2, maxOutputChars: 200 } });
      const ran = await call(tools, 'run_command', {
        command: 'pwd; echo "secret=${PE_TEST_SECRET:-unset}"; echo note > made.txt',
      });
      expect(ran.content).toContain('exit code 0');
      expect(ran.content).toContain(workspace.root);
      expect(ran.content).toContain('secret=unset');
      expect(readFileSync(path.join(workspace.root, 'made.txt'), 'utf8')).toBe('note\n');
      const loud = await call(tools, 'run_command', { command: 'yes | head -c 5000' });
      expect(loud.content).toContain('--- stdout (cut at 200 characters) ---');
      const started = Date.now();
      const slow = await call(tools, 'run_command', { command: 'sleep 30; touch late.txt' });
      expect(slow).toMatchObject({ isError: true, content: expect.stringContaining('timed out after 2 s') });
      expect(Date.now() - started).toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(existsSync(path.join(workspace.root, 'late.txt'))).toBe(false);
    } finally {
      delete process.env.PE_TEST_SECRET;
    }
  });
});

describe('the example tool module (examples/tools)', () => {
  it('loads by path and its tools run', async () => {
    const tools = ToolBox.fromSetup(
      loadToolSetup({ toolsConfigFile: path.resolve(__dirname, '..', 'examples/tools/tools.json') }, {}),
    );
    const { tools: entries } = await tools.catalogue({});
    expect(entries.map((t) => t.name)).toEqual(expect.arrayContaining(['word_stats', 'append_journal']));
    expect((await call(tools, 'word_stats', { text: 'a b c' })).content).toContain('3 words');
    const first = await call(tools, 'append_journal', { entry: 'shipped' }, 'wf@r/step-j/turn-1/call-0');
    const again = await call(tools, 'append_journal', { entry: 'shipped' }, 'wf@r/step-j/turn-1/call-0');
    expect(first.content).toBe('Appended to journal.md (wf@r/step-j/turn-1/call-0)');
    expect(again.content).toBe('Already in journal.md (wf@r/step-j/turn-1/call-0)');
    expect(readFileSync(path.join(workspace.root, 'journal.md'), 'utf8').match(/shipped/g)).toHaveLength(1);
  });

  it('the example MCP config parses as users write it', () => {
    const { mcpServers } = loadToolSetup(
      { mcpConfigFile: path.resolve(__dirname, '..', 'examples/tools/mcp.json') },
      { EVERYTHING_TOKEN: 't' },
    );
    expect(mcpServers.map((s) => `${s.name} ${s.transport}${s.disabled ? ' disabled' : ''}`)).toEqual([
      'everything stdio',
      'fs stdio',
      'web http disabled',
    ]);
  });
});

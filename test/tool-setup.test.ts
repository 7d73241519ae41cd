/**
 * What a worker offers, from its config, against real MCP servers from npm (no Temporal needed): config
 * files refused with the entry named, tool modules loaded by path, the catalogue a run would pin (kinds and
 * policies from annotations, allow-lists, policy precedence), calls through the pool, a stdio server that
 * died started again, and servers that cannot start named with their entry.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  loadToolSetup,
  resolvePolicy,
  ToolBox,
  ToolSelectionError,
  ToolSourceError,
  Workspace,
  type ToolSetup,
} from '../src/tools';
import { freePort } from '../src/devserver/dev-server';
import { EVERYTHING, FILESYSTEM, packageBin, stdioEntry, writeMcpConfig } from './helpers/mcp-servers';
import { runCli } from './helpers/cli';
import { toolContext } from './helpers/tool-context';
import { waitFor } from './helpers/wait';

const FIXTURE = path.resolve(__dirname, 'fixtures/tools/ledger-tools.ts');
let dir: string;
const boxes: ToolBox[] = [];
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pe-toolsetup-'));
  writeFileSync(path.join(dir, 'hello.txt'), 'hello from the filesystem server');
});
afterAll(async () => {
  await Promise.all(boxes.map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string, content: unknown) => {
  const target = path.join(dir, name);
  writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  return target;
};
const box = (setup: Partial<ToolSetup>): ToolBox => {
  const made = ToolBox.fromSetup({ modules: [], mcpServers: [], policy: {}, ...setup });
  boxes.push(made);
  return made;
};

describe('config files', () => {
  const refused = (content: unknown) => () => loadToolSetup({ mcpConfigFile: file('bad.json', content) });

  it('names the entry and the file for each problem', () => {
    const where = `mcpServers.x in ${path.join(dir, 'bad.json')}`;
    expect(refused({ mcpServers: { x: {} } })).toThrow(`${where}: needs "command"`);
    expect(refused({ mcpServers: { x: { command: 'a', argz: [] } } })).toThrow(
      `${where}: argz: unknown key; did you mean "args"?`,
    );
    expect(refused({ mcpServers: { x: { url: 'not a url' } } })).toThrow(`${where}: url: must be a URL`);
    expect(refused({ mcpServers: { x: { type: 'sse', url: 'http://h/sse' } } })).toThrow(
      'SSE transport is not supported',
    );
    expect(refused({ mcpServers: { x: { command: 'a', env: { K: '${NOT_SET_ANYWHERE}' } } } })).toThrow(
      `${where}: names the environment variable NOT_SET_ANYWHERE, which is not set`,
    );
    expect(refused({ mcpServers: { a__b: { command: 'a' } } })).toThrow('mcpServers.a__b in');
    expect(refused({ servers: {} })).toThrow('must be a JSON object with "mcpServers"');
    expect(refused('{ not json')).toThrow('is not valid JSON');
    expect(() => loadToolSetup({ toolsConfigFile: file('t.json', { builtins: { shell: {} } }) })).toThrow(
      /Tools config .*t\.json: builtins\.shell: unknown key \(known keys here: http_fetch, run_command\)/,
    );
  });

  it('expands ${VAR} from the environment and reads paths relative to the tools config', () => {
    const tools = file('tools.json', {
      modules: ['mod.ts'],
      mcpServers: { web: { url: 'http://127.0.0.1:1/mcp', headers: { Authorization: 'Bearer ${TOKEN}' } } },
      policy: { 'web__*': 'ask' },
    });
    const setup = loadToolSetup({ toolsConfigFile: tools }, { TOKEN: 't0k' });
    expect(setup.modules).toEqual([path.join(dir, 'mod.ts')]);
    expect(setup.mcpServers[0]).toMatchObject({
      name: 'web',
      transport: 'http',
      headers: { Authorization: 'Bearer t0k' },
    });
    expect(setup.policy).toEqual({ 'web__*': 'ask' });
  });

  it('refuses a tool module without tools, or with a tool missing its kind, naming the module and the field', () => {
    const empty = file('empty.js', 'module.exports = { nothing: 1 };');
    const kindless = file(
      'kindless.js',
      "module.exports = { tools: [{ name: 't', description: 'd', input: { safeParse() {} }, run() {} }] };",
    );
    expect(() => box({ modules: [empty] })).toThrow(`Tool module ${empty} exports no tools`);
    expect(() => box({ modules: [kindless] })).toThrow(
      `${kindless} (tool 1) "t": kind must be one of read-only, idempotent, side-effect`,
    );
  });
});

describe('npm run worker', () => {
  it('refuses to start with a bad MCP config, naming the entry, before connecting anywhere', async () => {
    const bad = file('worker-bad.json', { mcpServers: { fs: { command: 'x', args: 'not a list' } } });
    const run = await runCli('src/worker/main.ts', ['--mcp-config', bad], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `mcpServers.fs in ${bad}: args: Invalid input: expected array, received string`,
    );
  });

  it('explains its flags', async () => {
    const run = await runCli('src/worker/main.ts', ['--mcp'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--mcp-config FILE');
  });
});

describe('policies', () => {
  const fallback = { policy: 'allow' as const, reason: 'default' };

  it("lets a run tighten the worker config's rule but never loosen it, and picks the most specific rule", () => {
    expect(
      resolvePolicy('fs__write_file', fallback, { 'fs__*': 'ask' }, { fs__write_file: 'allow' }).policy,
    ).toBe('ask');
    expect(resolvePolicy('fs__write_file', fallback, { 'fs__*': 'ask' }, { 'fs__*': 'deny' }).policy).toBe(
      'deny',
    );
    expect(
      resolvePolicy('fs__read', fallback, { 'fs__*': 'deny', fs__read: 'allow' }, undefined).policy,
    ).toBe('allow');
    expect(
      resolvePolicy('send_mail', { policy: 'ask', reason: 'd' }, undefined, { 'send_*': 'allow' }),
    ).toEqual({
      policy: 'allow',
      reason: 'run option toolPolicy "send_*"',
    });
  });
});

describe('the catalogue of a worker with MCP servers and a tool module', () => {
  let tools: ToolBox;
  beforeAll(() => {
    const config = writeMcpConfig(path.join(dir, 'mcp.json'), {
      everything: stdioEntry(EVERYTHING),
      fs: stdioEntry(FILESYSTEM, [dir]),
    });
    tools = box(loadToolSetup({ mcpConfigFile: config, modules: [FIXTURE] }));
  });

  it('offers every source as one list, with kinds and default policies from annotations and tool kinds', async () => {
    const { tools: entries } = await tools.catalogue({});
    const byName = new Map(entries.map((t) => [t.name, t]));
    const summary = (name: string) => {
      const t = byName.get(name);
      return t && `${t.kind} ${t.policy} ${t.local ? 'local' : 'remote'}`;
    };
    expect(summary('read_file')).toBe('read-only allow local');
    expect(summary('write_file')).toBe('idempotent allow local');
    expect(summary('ask_human')).toBe('read-only allow local');
    expect(summary('everything__echo')).toBe('read-only allow remote');
    // Not read-only, but annotated destructiveHint false: allowed.
    expect(summary('everything__toggle-simulated-logging')).toBe('side-effect allow remote');
    // destructiveHint true: a person approves each call by default.
    expect(summary('fs__write_file')).toBe('idempotent ask remote');
    expect(summary('fs__edit_file')).toBe('side-effect ask remote');
    expect(summary('send_mail')).toBe('side-effect ask remote');
    expect(summary('charge_card')).toBe('side-effect allow remote'); // the tool sets its own policy
    expect(byName.get('fs__write_file')?.policyReason).toContain('destructiveHint');
    expect(byName.get('send_mail')?.source).toBe(`module ${FIXTURE}`);
    // The same tools hash the same on every listing.
    const again = await tools.catalogue({});
    expect(again.tools.map((t) => t.schemaHash)).toEqual(entries.map((t) => t.schemaHash));
  });

  it("applies a run's allow-list (ask_human always stays) and refuses a pattern that matches nothing", async () => {
    const { tools: entries } = await tools.catalogue({ allow: ['fs__read*', 'word_count'] });
    expect(entries.map((t) => t.name).sort()).toEqual([
      'ask_human',
      'fs__read_file',
      'fs__read_media_file',
      'fs__read_multiple_files',
      'fs__read_text_file',
      'word_count',
    ]);
    await expect(tools.catalogue({ allow: ['fz__*'] })).rejects.toThrow(ToolSelectionError);
    await expect(tools.catalogue({ allow: ['fz__*'] })).rejects.toThrow(
      'options.tools: "fz__*" matches no tool',
    );
  });

  it('calls MCP tools: text, files from the server, images kept in the workspace', async () => {
    const workspace = await Workspace.open(dir, 'wf-calls');
    const call = async (name: string, input: unknown, key: string) => {
      const found = await tools.find(name);
      if (!found) throw new Error(`${name} not found`);
      return tools.call(found, input, toolContext(workspace, `wf@r/step-a/turn-1/${key}`), key);
    };
    expect((await call('everything__echo', { message: 'hi' }, 'c1')).content).toBe('Echo: hi');
    expect((await call('fs__read_text_file', { path: path.join(dir, 'hello.txt') }, 'c2')).content).toBe(
      'hello from the filesystem server',
    );
    const image = await call('everything__get-tiny-image', {}, 'c3');
    expect(image.content).toMatch(
      /\[image \(image\/png, \d+ bytes\) saved in the workspace as outputs\/step-a_turn-1_c3-1\.png\]/,
    );
    const png = readFileSync(path.join(workspace.root, 'outputs', 'step-a_turn-1_c3-1.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const structured = await call('everything__get-structured-content', { location: 'Chicago' }, 'c4');
    // Its text already is the structured content as JSON: shown once.
    expect(JSON.parse(structured.content)).toHaveProperty('temperature');
    // The server's own validation error goes back to the model as data.
    expect(await call('everything__get-sum', { a: 'x' }, 'c5')).toMatchObject({ isError: true });
  });

  it('starts a stdio server again after it died', async () => {
    const marker = `marker-${process.pid}-${Date.now()}`;
    const revived = box({
      mcpServers: loadToolSetup({
        mcpConfigFile: writeMcpConfig(path.join(dir, 'm2.json'), {
          ev: stdioEntry(EVERYTHING, ['stdio', marker]),
        }),
      }).mcpServers,
    });
    const workspace = await Workspace.open(dir, 'wf-revive');
    const echo = async (message: string) => {
      const found = await revived.find('ev__echo');
      return revived.call(found!, { message }, toolContext(workspace, 'k'), 'c');
    };
    expect((await echo('one')).content).toBe('Echo: one');
    const pid = processWithArgument(marker);
    process.kill(pid, 'SIGKILL');
    const connection = revived.mcp!.connections[0]!;
    // The worker notices the exit, and the next call starts the server again.
    await waitFor('the next call to succeed', async () =>
      (await echo('two').catch(() => undefined))?.content === 'Echo: two' ? true : undefined,
    );
    expect(connection.starts).toBe(2);
    expect(processWithArgument(marker)).not.toBe(pid);
  });
});

describe('servers that cannot start or answer', () => {
  it('names the server and its config entry', async () => {
    const port = await freePort();
    const config = writeMcpConfig(path.join(dir, 'broken.json'), {
      missing: { command: path.join(dir, 'no-such-program') },
      crashing: stdioEntry(FILESYSTEM, [path.join(dir, 'no-such-folder')]),
      nobody: { url: `http://127.0.0.1:${port}/mcp` },
    });
    const broken = box(loadToolSetup({ mcpConfigFile: config }));
    const error = await broken.catalogue({}).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ToolSourceError);
    const message = (error as Error).message;
    expect(message).toContain(`MCP server "missing" (mcpServers.missing in ${config}) could not start`);
    expect(message).toContain(`MCP server "crashing" (mcpServers.crashing in ${config}) could not start`);
    expect(message).toContain('no-such-folder'); // from the server's own stderr
    expect(message).toContain(`MCP server "nobody" (mcpServers.nobody in ${config}) could not be reached`);
  });
});

/** The pid of the process started with `marker` among its arguments (read from /proc). */
function processWithArgument(marker: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes(marker) && args.some((a) => a === packageBin(EVERYTHING))) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  throw new Error(`no process with ${marker}`);
}

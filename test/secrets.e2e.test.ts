/**
 * No secret ever leaves the worker. A provider that echoes the API key back in its error body (as careless
 * providers and proxies do) makes the run fail; the key, whether configured (scrubbed by value) or only
 * shaped like a provider key (scrubbed by shape), is then nowhere: not in history as `temporal workflow
 * show` prints it, not in the worker's log or the CLI's output (`npm start` runs both), not in the dev
 * server's SQLite database.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, startDevServer, type DevServer } from '../src/devserver/dev-server';
import { findTemporalCli } from '../src/devserver/find-cli';
import { FakeModelServer } from '../src/fake-model/server';
import { SecretRedactor } from '../src/security/redact';
import { runCli } from './helpers/cli';

let tmp: string;
let server: DevServer;
let fake: FakeModelServer;
const dbFile = () => path.join(tmp, 'dev.db');

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-secrets-'));
  server = await startDevServer({ cliPath: findTemporalCli(), port: await freePort(), dbFile: dbFile() });
  fake = new FakeModelServer({
    rules: [
      {
        match: {},
        repeat: true,
        error: { status: 401, message: 'invalid x-api-key', echoKey: true },
      },
    ],
  });
  await fake.start();
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

// Built at run time, so the repository never holds a key-shaped string.
const keyShaped = () => ['sk', 'ant', 'api03', randomBytes(24).toString('base64url')].join('-');
const plainKey = () => `plain-${randomBytes(12).toString('hex')}`;

it.each([
  ['a key shaped like a provider key', keyShaped()],
  ['a configured key of any shape', plainKey()],
])('keeps %s out of history, logs, CLI output and the database', async (_name, key) => {
  const workflowId = `secret-${randomBytes(4).toString('hex')}`;
  const run = await runCli('src/cli/main.ts', ['Leak my key', '--id', workflowId], {
    ANTHROPIC_API_KEY: key,
    ANTHROPIC_BASE_URL: fake.url,
    TEMPORAL_ADDRESS: server.address,
    TASK_QUEUE: `secrets-${workflowId}`,
    WORKSPACE_ROOT: path.join(tmp, 'ws'),
  });
  // The provider did echo the key: the fake server's answer carried it.
  expect(fake.requests.some((r) => r.status === 401)).toBe(true);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('Run failed');
  expect(run.stderr).toMatch(/key used: (Bearer )?\[redacted\]/);

  expect(`${run.stdout}\n${run.stderr}`).not.toContain(key);

  const { stdout: history } = await promisify(execFile)(
    findTemporalCli(),
    ['workflow', 'show', '--address', server.address, '--workflow-id', workflowId, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  expect(history).toContain('invalid x-api-key');
  expect(history).not.toContain(key);

  for (const file of [dbFile(), `${dbFile()}-wal`]) {
    if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from(key))).toBe(false);
  }
});

describe('SecretRedactor', () => {
  it('scrubs configured values, provider key shapes and credential headers, leaving the rest', () => {
    const configured = plainKey();
    const redactor = new SecretRedactor([configured, 'short']);
    const anthropic = keyShaped();
    const openai = ['sk', 'proj', randomBytes(20).toString('hex')].join('-');
    const text = `a ${configured} b ${anthropic} c ${openai} d Authorization: Bearer ${randomBytes(16).toString('hex')} e short`;
    const out = redactor.redact(text);
    for (const secret of [configured, anthropic, openai]) expect(out).not.toContain(secret);
    expect(out).toContain('Authorization: [redacted]');
    expect(out).toContain(' e short'); // too short to be a secret: a word like any other
    expect(out.startsWith('a [redacted] b [redacted] c [redacted] d ')).toBe(true);
  });

  it('scrubs an error in place with its cause chain and string details, keeping its class', () => {
    const key = plainKey();
    const cause = new Error(`inner ${key}`);
    const err = Object.assign(new TypeError(`outer ${key}`, { cause }), { details: [{ body: key }] });
    const out = new SecretRedactor([key]).redactError(err);
    expect(out).toBe(err);
    expect(out).toBeInstanceOf(TypeError);
    expect(`${out.message} ${out.stack} ${cause.message} ${JSON.stringify(out.details)}`).not.toContain(key);
  });
});

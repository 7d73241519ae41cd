/**
 * The client examples as a user runs them, against a dev server, a worker and the fake model with
 * examples/scenarios/client-example.json: the TypeScript one through the client library, the Python one
 * through the official temporalio SDK and only the documented contract. Each must finish a run after an
 * edit, with the added step run and the answer printed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Scenario } from '../src/fake-model/scenario';
import { ROOT, runCli, type CliRun } from './helpers/cli';
import { startHarness, type Harness } from './helpers/harness';

const scenario = JSON.parse(
  readFileSync(path.join(ROOT, 'examples/scenarios/client-example.json'), 'utf8'),
) as Scenario;

let h: Harness;
let env: Record<string, string>;
beforeAll(async () => {
  h = await startHarness();
  h.fake.setScenario(scenario);
  env = { TEMPORAL_ADDRESS: h.env.address, TASK_QUEUE: h.taskQueue };
});
afterAll(async () => {
  await h?.shutdown();
});

function expectFinishedAfterEdit(run: CliRun): void {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const out = run.stdout;
  expect(out).toMatch(/^started plan-/m);
  expect(out).toContain('plan v1: draft (Draft the release note)');
  expect(out).toContain('refused: edit 1: unknown step id "polish"');
  expect(out).toContain('edited: plan v2, status awaiting_approval');
  expect(out).toContain('approved: plan v2, status executing');
  expect(out).toContain('ended: answered after 2 steps');
  expect(out).toContain('  check [done] notes.md has a title and two points, under 50 words.');
  expect(out).toContain(
    'answer: notes.md holds the release note (a title and two points), checked: under 50 words.',
  );
}

it('the TypeScript example starts a run with approval, edits the plan, approves and prints the answer', async () => {
  h.fake.clearRequests();
  const run = await runCli('examples/typescript/run-with-edit.ts', [], env);
  expectFinishedAfterEdit(run);
  expect(h.fake.requests.map((r) => r.rule)).toContain('check-summary');
});

it('the Python example does the same with the official temporalio SDK and only the documented contract', async () => {
  // Idempotent: installs temporalio from PyPI into .tools/pyvenv unless the pinned version is there.
  execFileSync('bash', [path.join(ROOT, 'examples/python/install.sh')], { stdio: 'pipe' });
  h.fake.clearRequests();
  const run = await runPython('examples/python/run_with_edit.py', env);
  expectFinishedAfterEdit(run);
  expect(h.fake.requests.map((r) => r.rule)).toContain('check-summary');
  // The added step saw what the first one wrote.
  expect(h.fake.requests.find((r) => r.rule === 'check-summary')?.lastMessageText).toContain('Release 1.2');
});

function runPython(script: string, extra: Record<string, string>): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, '.tools/pyvenv/bin/python'), [path.join(ROOT, script)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

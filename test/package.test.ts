/**
 * The package as another project consumes it: built with `tsc -p tsconfig.build.json` (declarations on),
 * installed by a symlink in a consumer's node_modules, imported by its name through package.json
 * `exports`. The consumer's TypeScript must compile against the built .d.ts (and reject a wrongly typed
 * option), and the compiled consumer must load the library at run time.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers/cli';

const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

const CONSUMER = `import { CommandRejectedError, PlanRuns, RunCancelledError, WORKFLOW_TYPE } from 'plan-execute-temporal';
import type { ControlAck, RunState, StartRunOptions } from 'plan-execute-temporal';

const options: StartRunOptions = { requireApproval: true, maxSteps: 5 };
// @ts-expect-error maxSteps is a number: the built declarations carry the workflow's types
const wrong: StartRunOptions = { maxSteps: 'many' };
const status = (state: RunState): string => state.status;
const version = (ack: ControlAck): number => ack.planVersion;
console.log(
  [typeof PlanRuns, typeof PlanRuns.connect, typeof RunCancelledError, typeof CommandRejectedError, WORKFLOW_TYPE, options.maxSteps, typeof status, typeof version, typeof wrong].join(' '),
);
`;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-package-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('a consumer imports the built package by name, type-checks against its .d.ts, and loads it', () => {
  const pkg = path.join(tmp, 'pkg');
  mkdirSync(pkg);
  cpSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
  execFileSync(
    process.execPath,
    [TSC, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(pkg, 'dist')],
    {
      cwd: ROOT,
      stdio: 'pipe',
    },
  );

  const consumer = path.join(tmp, 'consumer');
  mkdirSync(path.join(consumer, 'node_modules'), { recursive: true });
  symlinkSync(pkg, path.join(consumer, 'node_modules', 'plan-execute-temporal'));
  writeFileSync(path.join(consumer, 'main.ts'), CONSUMER);
  writeFileSync(
    path.join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'node16',
        moduleResolution: 'node16',
        strict: true,
        types: [],
        typeRoots: [path.join(ROOT, 'node_modules/@types')],
        skipLibCheck: true,
        outDir: 'out',
      },
      files: ['main.ts'],
    }),
  );
  let compiled = '';
  try {
    compiled = execFileSync(process.execPath, [TSC, '-p', consumer], { cwd: consumer, encoding: 'utf8' });
  } catch (err) {
    throw new Error(`the consumer does not compile:\n${(err as { stdout?: string }).stdout ?? String(err)}`);
  }
  expect(compiled).toBe('');
  const printed = execFileSync(process.execPath, [path.join(consumer, 'out', 'main.js')], {
    encoding: 'utf8',
  });
  expect(printed.trim()).toBe(
    'function function function function planAndExecute 5 function function object',
  );
});

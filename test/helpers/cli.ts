import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Variables that would let a child reach a real model or a person's own server; never passed through. */
const SCRUBBED =
  /^(ANTHROPIC_|OPENAI_|TEMPORAL_(ADDRESS|NAMESPACE|API_KEY|TLS|PROFILE|CONFIG_FILE|UI)|PLANNER_MODEL|EXECUTOR_MODEL|REPLANNER_MODEL|TASK_QUEUE|WORKSPACE_ROOT)/;

/** Run one of the project's entry points (src/cli/*.ts) as a user would, with a controlled environment. */
export function runCli(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SCRUBBED.test(k)));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

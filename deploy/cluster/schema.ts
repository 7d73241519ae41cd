/**
 * Creates the `temporal` and `temporal_visibility` databases and brings their schemas to the version the
 * server binary expects, with the official schema tool and the PostgreSQL schemas embedded in it.
 */
import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Binaries } from './binaries';
import { DATABASE_USER } from './postgres';

const run = promisify(execFile);

export const DATABASES = [
  { name: 'temporal', schema: 'postgresql/v12/temporal' },
  { name: 'temporal_visibility', schema: 'postgresql/v12/visibility' },
] as const;

export async function migrateSchemas(
  binaries: Binaries,
  options: { port: number; password: string; log: string },
): Promise<void> {
  for (const db of DATABASES) {
    const tool = async (...args: string[]): Promise<string> => {
      const argv = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(options.port)];
      argv.push('-u', DATABASE_USER, '--db', db.name, ...args);
      try {
        // The password goes by environment, never on a command line others can read.
        const { stdout, stderr } = await run(binaries.sqlTool, argv, {
          env: { ...process.env, SQL_PASSWORD: options.password },
        });
        appendFileSync(options.log, `$ temporal-sql-tool ${argv.join(' ')}\n${stdout}${stderr}`);
        return stdout + stderr;
      } catch (err) {
        const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
        appendFileSync(options.log, `$ temporal-sql-tool ${argv.join(' ')}\n${stdout}${stderr}`);
        throw new Error(
          `temporal-sql-tool ${args[0]} on ${db.name} failed:\n${(stdout + stderr).slice(-2_000)}`,
        );
      }
    };
    // Each step is safe to repeat, so an `up` that stopped halfway can simply run again.
    await tool('create-database').catch((err: Error) => {
      if (!/already exists/.test(err.message)) throw err;
    });
    await tool('setup-schema', '-v', '0.0'); // version tables only; skipped when already past 0.0
    await tool('update-schema', '--schema-name', db.schema);
  }
}

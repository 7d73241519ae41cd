/**
 * docker-compose.yml cannot be run on these machines (no Docker engine), but `npm run cluster` runs the same
 * thing here: this keeps the two in step, so what the cluster drill shows holds for the compose file too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DYNAMIC_CONFIG_FILE } from '../deploy/cluster/paths';
import { POSTGRES_MAJOR } from '../deploy/cluster/postgres';
import { HISTORY_SHARDS } from '../deploy/cluster/temporal-config';

const ROOT = path.resolve(__dirname, '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const compose = read('docker-compose.yml');
const pinned = (goMod: string, module: string): string | undefined =>
  new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[./]/g, '\\$&')}\\s+v(\\S+)`, 'm').exec(
    read(goMod),
  )?.[1];
const defaults = (variable: string): string[] =>
  [...compose.matchAll(new RegExp(`\\$\\{${variable}:-([^}]+)\\}`, 'g'))].map((m) => m[1]!);

describe('docker-compose.yml and npm run cluster', () => {
  it('run the same Temporal server version', () => {
    const server = pinned('deploy/temporal-server/go.mod', 'go.temporal.io/server');
    expect(server).toMatch(/^\d+\.\d+\.\d+$/);
    expect(new Set(defaults('TEMPORAL_VERSION'))).toEqual(new Set([server]));
  });

  it('run the same Web UI version', () => {
    const ui = pinned('deploy/temporal-ui/go.mod', 'github.com/temporalio/ui-server/v2');
    expect(defaults('TEMPORAL_UI_VERSION')).toEqual([ui]);
  });

  it('run the same PostgreSQL major version', () => {
    expect(defaults('POSTGRESQL_VERSION')).toEqual([String(POSTGRES_MAJOR)]);
  });

  it('read the same dynamic config, with eager activity dispatch on, and the same shard count', () => {
    expect(compose).toContain(
      `./${path.relative(ROOT, path.dirname(DYNAMIC_CONFIG_FILE))}:/etc/temporal/config/dynamicconfig`,
    );
    expect(compose).toContain(
      `DYNAMIC_CONFIG_FILE_PATH: config/dynamicconfig/${path.basename(DYNAMIC_CONFIG_FILE)}`,
    );
    expect(readFileSync(DYNAMIC_CONFIG_FILE, 'utf8')).toMatch(
      /system\.enableActivityEagerExecution:\n\s+- value: true/,
    );
    expect(compose).toContain(`NUM_HISTORY_SHARDS: '${HISTORY_SHARDS}'`);
  });
});

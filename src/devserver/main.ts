/**
 * `npm run server`: a local Temporal dev server that keeps its runs in .temporal/dev.db (so they survive a
 * restart), with the Web UI. Address from TEMPORAL_ADDRESS (default 127.0.0.1:7233), UI on port + 1000
 * unless TEMPORAL_UI_PORT says otherwise.
 */
import path from 'node:path';
import { isLocalAddress, loadTemporalSettings, splitAddress } from '../config/temporal';
import { startDevServer } from './dev-server';
import { findTemporalCli, PROJECT_ROOT } from './find-cli';

export const DEFAULT_DEV_DB = path.join(PROJECT_ROOT, '.temporal', 'dev.db');

async function main(): Promise<void> {
  const settings = loadTemporalSettings();
  if (!isLocalAddress(settings.address)) {
    throw new Error(`TEMPORAL_ADDRESS is ${settings.address}; the dev server only listens on 127.0.0.1, localhost or [::1].`);
  }
  const [host, port] = splitAddress(settings.address);
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? port + 1000);
  const dbFile = process.env.TEMPORAL_DEV_DB ?? DEFAULT_DEV_DB;
  const server = await startDevServer({
    cliPath: findTemporalCli(),
    ip: host === 'localhost' ? '127.0.0.1' : host.replace(/[[\]]/g, ''),
    port,
    uiPort,
    dbFile,
    namespace: settings.namespace,
  });
  console.log(`Temporal dev server on ${server.address} (namespace ${settings.namespace}, data in ${dbFile})`);
  console.log(`Web UI: ${server.uiUrl ?? '(none)'}`);
  console.log('Press Ctrl-C to stop.');
  const stop = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

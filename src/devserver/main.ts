/**
 * `npm run server`: a local Temporal dev server that keeps its runs in .temporal/dev.db (so they survive a
 * restart), with the Web UI. Address from TEMPORAL_ADDRESS (default 127.0.0.1:7233), UI on port + 1000
 * unless TEMPORAL_UI_PORT says otherwise, SQLite file from TEMPORAL_DEV_DB.
 */
import { loadTemporalSettings } from '../config/temporal';
import { localServerAnswers, startEmbeddedServer } from './embedded';

async function main(): Promise<void> {
  const settings = loadTemporalSettings();
  if (await localServerAnswers(settings)) {
    throw new Error(
      `Something already listens on ${settings.address}; stop it or set TEMPORAL_ADDRESS to another port.`,
    );
  }
  const server = await startEmbeddedServer(settings);
  console.log(`Temporal dev server on ${server.address} (namespace ${settings.namespace})`);
  console.log(`Web UI: ${server.uiUrl ?? '(none)'}`);
  console.log('Runs are kept in SQLite and survive a restart. Press Ctrl-C to stop.');
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

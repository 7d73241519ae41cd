import path from 'node:path';
import { isLocalAddress, splitAddress, type TemporalSettings } from '../config/temporal';
import { portAcceptsConnections, startDevServer, type DevServer } from './dev-server';
import { findTemporalCli, PROJECT_ROOT } from './find-cli';

export const DEFAULT_DEV_DB = path.join(PROJECT_ROOT, '.temporal', 'dev.db');

export interface EmbeddedServerOptions {
  /** SQLite file; TEMPORAL_DEV_DB or .temporal/dev.db by default. */
  dbFile?: string;
  /** Web UI port; TEMPORAL_UI_PORT or the gRPC port + 1000 by default. */
  uiPort?: number;
}

/** Start the dev server for a local address: persisted to SQLite, with the Web UI. */
export async function startEmbeddedServer(
  settings: TemporalSettings,
  options: EmbeddedServerOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<DevServer> {
  if (!isLocalAddress(settings.address)) {
    throw new Error(
      `TEMPORAL_ADDRESS is ${settings.address}: a dev server can only be started for 127.0.0.1, localhost or [::1]. Check that the server there is up.`,
    );
  }
  const [host, port] = splitAddress(settings.address);
  const uiPort = options.uiPort ?? (env.TEMPORAL_UI_PORT ? Number(env.TEMPORAL_UI_PORT) : port + 1000);
  return startDevServer({
    cliPath: findTemporalCli(env),
    ip: host === 'localhost' ? '127.0.0.1' : host.replace(/[[\]]/g, ''),
    port,
    uiPort,
    dbFile: options.dbFile ?? env.TEMPORAL_DEV_DB ?? DEFAULT_DEV_DB,
    namespace: settings.namespace,
  });
}

/** Whether something listens at a local address already. */
export async function localServerAnswers(settings: TemporalSettings): Promise<boolean> {
  if (!isLocalAddress(settings.address)) return false;
  const [host, port] = splitAddress(settings.address);
  return portAcceptsConnections(host === 'localhost' ? '127.0.0.1' : host.replace(/[[\]]/g, ''), port);
}

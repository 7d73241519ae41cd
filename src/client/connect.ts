/** A connection to the Temporal server named by the standard TEMPORAL_* variables (and TOML profile). */
import { Client, Connection } from '@temporalio/client';
import { loadTemporalSettings, type TemporalSettings } from '../config/temporal';
import { NoServerError } from './errors';

export interface ConnectedClient {
  client: Client;
  settings: TemporalSettings;
  close(): Promise<void>;
}

/** A client for the server the environment names. Fails fast (NoServerError) with the address if none answers. */
export async function connectClient(
  settings: TemporalSettings = loadTemporalSettings(),
  connectTimeout = '5s',
): Promise<ConnectedClient> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...settings.connectionOptions, connectTimeout } as Parameters<
      typeof Connection.connect
    >[0]);
  } catch (err) {
    throw new NoServerError(settings.address, (err as Error).message);
  }
  return {
    client: new Client({ connection, namespace: settings.namespace }),
    settings,
    close: () => connection.close(),
  };
}

import { Client, Connection } from '@temporalio/client';
import { loadTemporalSettings, type TemporalSettings } from '../config/temporal';

export interface ConnectedClient {
  client: Client;
  settings: TemporalSettings;
  close(): Promise<void>;
}

/** A client for the server named by the TEMPORAL_* variables. Fails fast with the address if none answers. */
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
    throw new Error(
      `No Temporal server answered at ${settings.address} (${(err as Error).message}). Start one with \`npm run server\`, or set TEMPORAL_ADDRESS.`,
    );
  }
  return {
    client: new Client({ connection, namespace: settings.namespace }),
    settings,
    close: () => connection.close(),
  };
}

/** A connection to the Temporal server named by the standard TEMPORAL_* variables (and TOML profile). */
import { Client, Connection } from '@temporalio/client';
import { loadTemporalSettings, type TemporalSettings } from '../config/temporal';
import { tracingFromEnv } from '../telemetry/tracing';
import { NoServerError } from './errors';

/** OTEL service name of the CLI and other clients (OTEL_SERVICE_NAME overrides it). */
export const CLIENT_SERVICE_NAME = 'plan-execute-client';

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
  // With tracing on (OTEL_* variables), a start begins the run's trace and every message carries it.
  const tracing = tracingFromEnv(CLIENT_SERVICE_NAME);
  return {
    client: new Client({
      connection,
      namespace: settings.namespace,
      ...(tracing ? { interceptors: { workflow: tracing.clientInterceptors() } } : {}),
    }),
    settings,
    async close() {
      await connection.close();
      // A CLI exits right after: send the spans it made first.
      await tracing?.flush();
    },
  };
}

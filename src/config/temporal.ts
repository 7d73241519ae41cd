/**
 * Temporal connection settings from the standard TEMPORAL_* variables (and the optional TOML profile)
 * through @temporalio/envconfig, so the same code runs against the dev server, a self-hosted cluster or
 * Temporal Cloud.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';

export const DEFAULT_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_NAMESPACE = 'default';

export interface TemporalSettings {
  address: string;
  namespace: string;
  /** Options for Connection.connect / NativeConnection.connect, TLS and API key included. */
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
}

export function loadTemporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const overrideEnvVars = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars });
  const address = connectionOptions.address ?? DEFAULT_ADDRESS;
  return {
    address,
    namespace: namespace ?? DEFAULT_NAMESPACE,
    connectionOptions: { ...connectionOptions, address },
  };
}

export function isLocalAddress(address: string): boolean {
  return /^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(address);
}

/** Link to a run in the Web UI: TEMPORAL_UI_URL if set, the dev server's UI (port + 1000) for local addresses. */
export function workflowUiUrl(
  settings: Pick<TemporalSettings, 'address' | 'namespace'>,
  workflowId: string,
  runId: string | undefined,
  uiUrl?: string,
): string | undefined {
  let base = uiUrl;
  if (!base && isLocalAddress(settings.address)) {
    const [host, port] = splitAddress(settings.address);
    base = `http://${host}:${port + 1000}`;
  }
  if (!base && settings.address.endsWith('.tmprl.cloud:7233')) base = 'https://cloud.temporal.io';
  if (!base) return undefined;
  const ns = encodeURIComponent(settings.namespace);
  return `${base}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${runId}` : ''}`;
}

export function splitAddress(address: string): [string, number] {
  const index = address.lastIndexOf(':');
  return [address.slice(0, index), Number(address.slice(index + 1))];
}

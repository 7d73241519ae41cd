/** Readiness checks: each Temporal service's gRPC health service, the Web UI's HTTP answer. */
import { Connection } from '@temporalio/client';
import type { TemporalService } from './temporal-config';

/** The names each service reports under in grpc.health.v1 (from the server's handlers). */
const HEALTH_NAMES: Record<TemporalService, string | undefined> = {
  frontend: 'temporal.api.workflowservice.v1.WorkflowService',
  history: 'temporal.api.workflowservice.v1.HistoryService',
  matching: 'temporal.api.workflowservice.v1.MatchingService',
  // The internal worker serves no gRPC API of its own; its port is only for membership.
  worker: undefined,
};

/** SERVING / NOT_SERVING / UNKNOWN, or the error that kept the check from answering. */
export async function serviceHealth(service: TemporalService, port: number): Promise<string> {
  const name = HEALTH_NAMES[service];
  if (name === undefined) return 'n/a';
  const connection = Connection.lazy({ address: `127.0.0.1:${port}` });
  try {
    const response = await connection.withDeadline(Date.now() + 2_000, () =>
      connection.healthService.check({ service: name }),
    );
    const status = response.status ?? 0;
    return ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'][status] ?? String(status);
  } catch (err) {
    return `unreachable (${(err as Error).message.split('\n')[0]})`;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Polls `check` until it returns true; throws with `what` and the last detail after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean | string>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: boolean | string = false;
  while (Date.now() < deadline) {
    last = await check();
    if (last === true) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `${what} did not happen within ${Math.round(timeoutMs / 1000)} s${typeof last === 'string' ? ` (${last})` : ''}`,
  );
}

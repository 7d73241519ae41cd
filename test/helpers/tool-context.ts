import type { ToolContext, Workspace } from '../../src/tools';

/** A tool context for calling tools outside an activity (unit tests): no heartbeats, never cancelled. */
export function toolContext(
  workspace: Workspace,
  idempotencyKey: string,
  idempotent: ToolContext['idempotent'] = (work) => work(),
): ToolContext {
  return {
    workspace,
    idempotencyKey,
    idempotent,
    heartbeat: () => undefined,
    progress: () => undefined,
    signal: new AbortController().signal,
    attempt: 1,
  };
}

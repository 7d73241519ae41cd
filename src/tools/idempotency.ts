import { createHash } from 'node:crypto';
import { ResultStore } from '../durable/result-store';

/** Folder (beside the workspaces) of the results that tools' side effects stored with `idempotent`. */
export const TOOL_RESULTS_FOLDER = '.tool-results';

/**
 * Results of side-effecting tool calls, stored under the call's idempotency key: a retried call that
 * already did its work gets the stored result instead of doing it again.
 */
export class ToolResultStore {
  private constructor(private readonly store: ResultStore) {}

  static async open(workspaceRoot: string, workflowId: string): Promise<ToolResultStore> {
    return new ToolResultStore(await ResultStore.open(workspaceRoot, TOOL_RESULTS_FOLDER, workflowId));
  }

  /** The stored result of `key`, if the call that stored it had the same input (`fingerprint`). */
  get(key: string, fingerprint = ''): Promise<string | undefined> {
    return this.store.get<string>(key, fingerprint);
  }

  put(key: string, result: string, fingerprint = ''): Promise<void> {
    return this.store.put(key, result, fingerprint);
  }
}

/**
 * Run a side effect at most once per idempotency key (and input): a retry of a call that already finished
 * its work gets the stored result back instead of doing the work again.
 */
export async function once(
  store: ToolResultStore,
  key: string,
  work: () => Promise<string>,
  fingerprint = '',
): Promise<string> {
  const stored = await store.get(key, fingerprint);
  if (stored !== undefined) return stored;
  const result = await work();
  await store.put(key, result, fingerprint);
  return result;
}

/** A short hash of a tool call's name and input: a stored result counts only for the same call. */
export function callFingerprint(name: string, input: unknown): string {
  // The same formula as always: results stored by runs in flight across an upgrade still match.
  return createHash('sha256')
    .update(`${name}\0${JSON.stringify(input ?? null)}`)
    .digest('hex')
    .slice(0, 32);
}

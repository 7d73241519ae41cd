import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { workspaceDirName } from './workspace';

/**
 * Results of side-effecting tool calls, stored under the call's idempotency key. Kept beside the
 * workspaces (not inside, where the model could see or change them).
 */
export class ToolResultStore {
  private constructor(private readonly dir: string) {}

  static async open(workspaceRoot: string, workflowId: string): Promise<ToolResultStore> {
    const dir = path.join(workspaceRoot, '.tool-results', workspaceDirName(workflowId));
    await mkdir(dir, { recursive: true });
    return new ToolResultStore(dir);
  }

  /** The stored result of `key`, if the call that stored it had the same input (`fingerprint`). */
  async get(key: string, fingerprint = ''): Promise<string | undefined> {
    try {
      const stored = JSON.parse(await readFile(this.file(key), 'utf8')) as {
        key: string;
        fingerprint?: string;
        result: string;
      };
      return stored.key === key && (stored.fingerprint ?? '') === fingerprint ? stored.result : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async put(key: string, result: string, fingerprint = ''): Promise<void> {
    const file = this.file(key);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ key, fingerprint, result }));
    await rename(temp, file); // atomic: a crash leaves either no result or the whole one
  }

  private file(key: string): string {
    return path.join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
  }
}

/**
 * Run a side effect at most once per idempotency key (and input): a retry of a call that already finished its work
 * gets the stored result back instead of doing the work again.
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
  return createHash('sha256')
    .update(`${name}\0${JSON.stringify(input ?? null)}`)
    .digest('hex')
    .slice(0, 32);
}

/**
 * Results of completed calls, stored on the worker's disk under the call's idempotency key, so a call that
 * already finished on some worker is never run again: a retry, or a replay after a crash that lost the
 * record of its completion, gets the stored result instead. A stored result counts only for the same input
 * (its fingerprint). Kept beside the run workspaces, not inside them, where the model could see or change
 * them. Workers that take over each other's runs must share this folder (as they share the workspaces).
 */
import { createHash } from 'node:crypto';
import { ConfinedDir } from '../tools/confined';
import { workspaceDirName } from '../tools/workspace';

/** Confined roots opened already by this process: a call need not ask the file system again. */
const roots = new Map<string, Promise<ConfinedDir>>();

export class ResultStore {
  private constructor(
    private readonly root: ConfinedDir,
    /** The run's folder, relative to the root. */
    private readonly dir: string,
  ) {}

  /**
   * The store of one run (workflow id) in `<root>/<folder>/`. Its files are read and written through the
   * same resolver as the workspaces (no symlink, no hard-linked file on the way).
   */
  static async open(root: string, folder: string, workflowId: string): Promise<ResultStore> {
    let confined = roots.get(root);
    if (!confined) {
      confined = ConfinedDir.at(root);
      roots.set(root, confined);
      confined.catch(() => roots.delete(root));
    }
    return new ResultStore(await confined, `${folder}/${workspaceDirName(workflowId)}`);
  }

  async get<T>(key: string, fingerprint = ''): Promise<T | undefined> {
    let raw: string;
    try {
      raw = await this.root.readFile(this.file(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const stored = JSON.parse(raw) as { key: string; fingerprint?: string; result: T };
    return stored.key === key && (stored.fingerprint ?? '') === fingerprint ? stored.result : undefined;
  }

  async put(key: string, result: unknown, fingerprint = ''): Promise<void> {
    // Atomic: a crash leaves either no result or the whole one. Folders removed meanwhile are made again.
    await this.root.writeFileAtomic(this.file(key), JSON.stringify({ key, fingerprint, result }));
  }

  private file(key: string): string {
    return `${this.dir}/${sha256(key).slice(0, 40)}.json`;
  }
}

/** The stored result for `key` and `fingerprint`, or the result of `work`, stored before it is returned. */
export async function rememberResult<T>(
  store: ResultStore,
  key: string,
  fingerprint: string,
  work: () => Promise<T>,
): Promise<T> {
  const stored = await store.get<T>(key, fingerprint);
  if (stored !== undefined) return stored;
  const result = await work();
  await store.put(key, result, fingerprint);
  return result;
}

/** A short hash of a value's JSON: a stored result counts only for the same input. */
export function fingerprintOf(value: unknown): string {
  return sha256(JSON.stringify(value ?? null)).slice(0, 32);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

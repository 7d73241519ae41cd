/**
 * Results of completed calls, stored on the worker's disk under the call's idempotency key, so a call that
 * already finished on some worker is never run again: a retry, or a replay after a crash that lost the
 * record of its completion, gets the stored result instead. A stored result counts only for the same input
 * (its fingerprint). Kept beside the run workspaces, not inside them, where the model could see or change
 * them. Workers that take over each other's runs must share this folder (as they share the workspaces).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { workspaceDirName } from '../tools/workspace';

/** Folders made already by this process: a call need not ask the file system again. */
const madeDirs = new Set<string>();

export class ResultStore {
  private constructor(private readonly dir: string) {}

  /** The store of one run (workflow id) in `<root>/<folder>/`. */
  static async open(root: string, folder: string, workflowId: string): Promise<ResultStore> {
    const dir = path.join(root, folder, workspaceDirName(workflowId));
    if (!madeDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      madeDirs.add(dir);
    }
    return new ResultStore(dir);
  }

  async get<T>(key: string, fingerprint = ''): Promise<T | undefined> {
    let raw: string;
    try {
      raw = await readFile(this.file(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const stored = JSON.parse(raw) as { key: string; fingerprint?: string; result: T };
    return stored.key === key && (stored.fingerprint ?? '') === fingerprint ? stored.result : undefined;
  }

  async put(key: string, result: unknown, fingerprint = ''): Promise<void> {
    const file = this.file(key);
    const temp = `${file}.${process.pid}.tmp`;
    const body = JSON.stringify({ key, fingerprint, result });
    try {
      await writeFile(temp, body);
    } catch (err) {
      // The folder was removed while this worker ran (a clean-up): make it again.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, body);
    }
    await rename(temp, file); // atomic: a crash leaves either no result or the whole one
  }

  private file(key: string): string {
    return path.join(this.dir, `${sha256(key).slice(0, 40)}.json`);
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

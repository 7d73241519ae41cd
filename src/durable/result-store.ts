/**
 * Results of completed calls, stored on the worker's disk under the call's idempotency key, so a call that
 * already finished on some worker is never run again: a retry, or a replay after a crash that lost the
 * record of its completion, gets the stored result instead. A stored result counts only for the same input
 * (its fingerprint). Kept beside the run workspaces, not inside them, where the model could see or change
 * them. Workers that take over each other's runs must share this folder (as they share the workspaces).
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfinedDir, WorkspacePathError } from '../tools/confined';
import { commitTemporarySync, temporaryNameFor } from './atomic-file';
import { workspaceDirName } from '../tools/workspace';

/** Run folders made and checked already by this process (no symlink on the way): opened once each. */
const runDirs = new Map<string, Promise<string>>();

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

export class ResultStore {
  private constructor(
    /** The run's folder, absolute, made and checked through the confined resolver. */
    private readonly dir: string,
  ) {}

  /**
   * The store of one run (workflow id) in `<root>/<folder>/`. The run's folder is made and checked through the
   * same resolver as the workspaces (no symlink on the way) once per process; each file is then opened with
   * O_NOFOLLOW and refused if it has another hard link, as the resolver does. A call costs one open when
   * nothing is stored (the common case), not a walk of the whole path.
   */
  static async open(root: string, folder: string, workflowId: string): Promise<ResultStore> {
    const relative = `${folder}/${workspaceDirName(workflowId)}`;
    const id = `${root}\0${relative}`;
    let dir = runDirs.get(id);
    if (!dir) {
      dir = ConfinedDir.at(root).then((confined) => confined.mkdirs(relative));
      runDirs.set(id, dir);
      dir.catch(() => runDirs.delete(id));
    }
    return new ResultStore(await dir);
  }

  async get<T>(key: string, fingerprint = ''): Promise<T | undefined> {
    return Promise.resolve(this.read<T>(key, fingerprint));
  }

  /**
   * Synchronous, like the write: a record is a few kilobytes on the worker's disk, and a lookup that finds
   * nothing (nearly every call) is one failed open. Through the thread pool each step took about 2 ms more
   * (several calls, each an open, a write, a close and a rename, each a round trip to the pool).
   */
  private read<T>(key: string, fingerprint: string): T | undefined {
    const file = this.file(key);
    let fd: number;
    try {
      fd = openSync(file, O_RDONLY | O_NOFOLLOW);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (code === 'ELOOP') throw new WorkspacePathError(`Stored result ${file} is a symlink; refused.`);
      throw err;
    }
    let raw: string;
    try {
      const info = fstatSync(fd);
      if (!info.isFile() || info.nlink > 1) {
        throw new WorkspacePathError(`Stored result ${file} is not a plain file with one name; refused.`);
      }
      raw = readFileSync(fd, { encoding: 'utf8' });
    } finally {
      closeSync(fd);
    }
    const stored = JSON.parse(raw) as { key: string; fingerprint?: string; result: T };
    return stored.key === key && (stored.fingerprint ?? '') === fingerprint ? stored.result : undefined;
  }

  /** Atomic: a temporary file (created new, never through a link) renamed into place. Synchronous (see read). */
  async put(key: string, result: unknown, fingerprint = ''): Promise<void> {
    const file = this.file(key);
    const temp = temporaryNameFor(file);
    const body = JSON.stringify({ key, fingerprint, result });
    let fd: number;
    try {
      fd = openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
    } catch (err) {
      // The folder was removed while this worker ran (a clean-up): make it again, checked, and retry once.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      runDirs.clear();
      await mkdir(this.dir, { recursive: true });
      fd = openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
    }
    commitTemporarySync(fd, temp, file, body);
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

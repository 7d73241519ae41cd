/**
 * The one resolver for every file the worker reads or writes for a run: the tools' files in the run's
 * workspace, results spilled to outputs/, MCP images and resources kept in the workspace, and the stores of
 * call results beside the workspaces. A path is refused when it
 * - is absolute, or has a ".." segment (or a NUL byte),
 * - goes through a symlink anywhere below the root, also one that points inside (a folder a tool or a
 *   person linked there earlier could be re-pointed later; refusing them all leaves nothing to re-point),
 * - names a file with more than one hard link (another name for it may be outside; writing would change
 *   that file too, reading would disclose it).
 * Files are opened with O_NOFOLLOW and checked again on the open handle, so a symlink or hard link put in
 * place between the check and the open is caught as well. (A folder swapped for a symlink in that instant is
 * the one gap left: closing it would need openat(2), which Node does not offer.)
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { commitTemporary, temporaryNameFor } from '../durable/atomic-file';

/** A path a tool or the worker may not use. Goes back to the model as an error result. */
export class WorkspacePathError extends Error {
  override readonly name = 'WorkspacePathError';
}

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

export class ConfinedDir {
  /** `root` must be a real path (no symlink in it): open() makes sure of that. */
  protected constructor(readonly root: string) {}

  /** The folder `dir` (made if missing), as a confined root. */
  static async at(dir: string): Promise<ConfinedDir> {
    await mkdir(dir, { recursive: true });
    return new ConfinedDir(await realpath(dir));
  }

  /**
   * The absolute path for `relative`, after checking every part of it that exists. Missing parts are fine
   * (a file about to be written); `relative` may be "." for the root itself.
   */
  resolve(relative: string): Promise<string> {
    return settled(() => this.resolveSync(relative));
  }

  private resolveSync(relative: string): string {
    const segments = splitRelative(relative);
    let current = this.root;
    for (const [index, segment] of segments.entries()) {
      current = path.join(current, segment);
      const info = lstatOrMissing(current);
      if (!info) return path.join(this.root, ...segments);
      const shown = segments.slice(0, index + 1).join('/');
      if (info.isSymbolicLink()) {
        const leadsSomewhere = existsSync(current);
        throw new WorkspacePathError(
          leadsSomewhere
            ? `Path "${relative}" goes through a symlink ("${shown}"); symlinks are refused in the workspace.`
            : `Path "${shown}" is a symlink to a missing target; refused.`,
        );
      }
      const last = index === segments.length - 1;
      if (!last && !info.isDirectory()) {
        throw new WorkspacePathError(`Path "${relative}": "${shown}" is a file, not a folder.`);
      }
      if (last && info.isFile() && info.nlink > 1) throw hardLinked(relative, info.nlink);
    }
    return current;
  }

  relative(absolute: string): string {
    return path.relative(this.root, absolute) || '.';
  }

  /** Make the folder `relative` and any missing folders on the way, each checked (no symlink anywhere). */
  mkdirs(relative: string): Promise<string> {
    return settled(() => this.mkdirsSync(relative));
  }

  private mkdirsSync(relative: string): string {
    const segments = splitRelative(relative);
    let current = this.root;
    for (const segment of segments) {
      current = path.join(current, segment);
      let info = lstatOrMissing(current);
      if (!info) {
        try {
          mkdirSync(current);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        info = lstatSync(current);
      }
      if (info.isSymbolicLink() || !info.isDirectory()) {
        throw new WorkspacePathError(
          `Path "${relative}": "${this.relative(current)}" is ${info.isSymbolicLink() ? 'a symlink' : 'a file'}, not a folder; refused.`,
        );
      }
    }
    return current;
  }

  async readFile(relative: string): Promise<Buffer>;
  async readFile(relative: string, encoding: 'utf8'): Promise<string>;
  async readFile(relative: string, encoding?: 'utf8'): Promise<Buffer | string> {
    const file = await this.resolve(relative);
    const handle = await openChecked(file, O_RDONLY | O_NOFOLLOW, relative);
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new WorkspacePathError(`Path "${relative}" is not a file.`);
      if (info.nlink > 1) throw hardLinked(relative, info.nlink);
      return encoding ? await handle.readFile({ encoding }) : await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /**
   * Create or overwrite a file (making its folders), refusing symlinks and hard-linked files. Synchronous,
   * like the checks: a handful of calls on the worker's disk, each a round trip to the thread pool otherwise.
   */
  async writeFile(relative: string, data: string | Uint8Array): Promise<string> {
    const file = await this.resolve(relative);
    await this.mkdirs(path.dirname(this.relative(file)));
    const fd = openCheckedSync(file, O_WRONLY | O_CREAT | O_NOFOLLOW, relative);
    try {
      const info = fstatSync(fd);
      if (!info.isFile()) throw new WorkspacePathError(`Path "${relative}" is not a file.`);
      // Checked before truncating: a file with another name must not lose its content either.
      if (info.nlink > 1) throw hardLinked(relative, info.nlink);
      ftruncateSync(fd, 0);
      writeFileSync(fd, data);
    } finally {
      closeSync(fd);
    }
    return file;
  }

  /**
   * Write a whole file at once (a temporary file renamed into place): a crash leaves either no file or the
   * whole one. The rename replaces a name, so it never writes through a link that was there.
   */
  async writeFileAtomic(relative: string, data: string | Uint8Array): Promise<string> {
    const file = await this.resolve(relative);
    await this.mkdirs(path.dirname(this.relative(file)));
    const temp = temporaryNameFor(file);
    const handle = await openChecked(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, relative);
    await commitTemporary(handle, temp, file, data);
    return file;
  }
}

/** The segments of a relative path; refuses absolute paths, ".." and NUL bytes. "." and "" are dropped. */
export function splitRelative(relative: string): string[] {
  if (relative.includes('\0')) throw new WorkspacePathError('Path contains a NUL byte.');
  if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative) || relative.startsWith('\\')) {
    throw new WorkspacePathError(
      `Absolute paths are not allowed ("${relative}"); use a path relative to the workspace.`,
    );
  }
  const segments = relative.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new WorkspacePathError(
      `Path "${relative}" uses ".." and so may leave the workspace; use a path inside it without "..".`,
    );
  }
  return segments;
}

/** The path checks are synchronous: each is one lstat on the worker's disk (see writeFile). */
function lstatOrMissing(file: string) {
  try {
    return lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function openChecked(file: string, flags: number, relative: string) {
  try {
    return await open(file, flags, 0o644);
  } catch (err) {
    // O_NOFOLLOW on a symlink: someone put one there after the check.
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new WorkspacePathError(`Path "${relative}" is a symlink; symlinks are refused in the workspace.`);
    }
    throw err;
  }
}

/** `work`'s value as a promise, or its error as a rejection (callers may chain or await either way). */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

function openCheckedSync(file: string, flags: number, relative: string): number {
  try {
    return openSync(file, flags, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new WorkspacePathError(`Path "${relative}" is a symlink; symlinks are refused in the workspace.`);
    }
    throw err;
  }
}

function hardLinked(relative: string, links: number): WorkspacePathError {
  return new WorkspacePathError(
    `Path "${relative}" is a file with ${links} hard links (another name for it may be outside the workspace); refused.`,
  );
}

import { createHash } from 'node:crypto';
import { lstat, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';

/** A tool asked for a path it may not use. Goes back to the model as an error result. */
export class WorkspacePathError extends Error {
  override readonly name = 'WorkspacePathError';
}

/**
 * Folder name for a run's workspace, distinct for distinct workflow ids. An id made of safe characters
 * (letters, digits, ".", "_", "-"; not starting with a dot, at most 200 long) is its own folder name. Any
 * other id gets its unsafe characters replaced and a hash of the whole id appended after a "~", which no
 * safe id contains, so two ids that differ only in unsafe characters never share a folder.
 */
export function workspaceDirName(workflowId: string): string {
  if (/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/.test(workflowId)) return workflowId;
  // Leading dots go too: a workflow id of "." or ".." must not name the root or its parent.
  const readable = workflowId
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length))
    .slice(0, 120);
  const hash = createHash('sha256').update(workflowId).digest('hex').slice(0, 16);
  return `${readable || 'run'}~${hash}`;
}

/**
 * A per-run folder that file tools are confined to. Every path is relative to it; `..`, absolute paths
 * and symlinks that lead outside are refused.
 */
export class Workspace {
  private constructor(readonly root: string) {}

  static async open(rootDir: string, workflowId: string): Promise<Workspace> {
    const dir = path.resolve(rootDir, workspaceDirName(workflowId));
    if (path.dirname(dir) !== path.resolve(rootDir))
      throw new WorkspacePathError(`Bad workspace name for "${workflowId}"`);
    await mkdir(dir, { recursive: true });
    return new Workspace(await realpath(dir));
  }

  /** The absolute path for `relative`, after checking that it and any symlink on the way stay inside. */
  async resolve(relative: string): Promise<string> {
    if (relative.includes('\0')) throw new WorkspacePathError('Path contains a NUL byte.');
    if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative)) {
      throw new WorkspacePathError(
        `Absolute paths are not allowed ("${relative}"); use a path relative to the workspace.`,
      );
    }
    const target = path.resolve(this.root, relative);
    if (!isInside(this.root, target)) {
      throw new WorkspacePathError(`Path "${relative}" leaves the workspace; use a path inside it.`);
    }
    const real = await realpathOfNearestExisting(target);
    if (!isInside(this.root, real)) {
      throw new WorkspacePathError(`Path "${relative}" leads outside the workspace through a symlink.`);
    }
    return target;
  }

  relative(absolute: string): string {
    return path.relative(this.root, absolute) || '.';
  }
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** realpath of the path, or of its closest existing ancestor joined with the missing rest. */
async function realpathOfNearestExisting(target: string): Promise<string> {
  let current = target;
  const missing: string[] = [];
  for (;;) {
    try {
      return path.join(await realpath(current), ...missing.reverse());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // A symlink whose target does not exist yet: writing through it would create the target, wherever it is.
      if (await isSymlink(current)) {
        throw new WorkspacePathError(
          `Path "${path.basename(current)}" is a symlink to a missing target; refused.`,
        );
      }
      const parent = path.dirname(current);
      if (parent === current) throw err;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

async function isSymlink(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isSymbolicLink();
  } catch {
    return false;
  }
}

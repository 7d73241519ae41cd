import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConfinedDir, WorkspacePathError } from './confined';

export { WorkspacePathError } from './confined';

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
 * A run's own folder, which file tools and the worker's own writes for the run are confined to (see
 * ConfinedDir for what is refused). Every path is relative to it.
 */
export class Workspace extends ConfinedDir {
  static async open(rootDir: string, workflowId: string): Promise<Workspace> {
    const dir = path.resolve(rootDir, workspaceDirName(workflowId));
    if (path.dirname(dir) !== path.resolve(rootDir))
      throw new WorkspacePathError(`Bad workspace name for "${workflowId}"`);
    const confined = await ConfinedDir.at(dir);
    return new Workspace(confined.root);
  }
}

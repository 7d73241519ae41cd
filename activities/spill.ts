import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { Workspace } from '../src/tools/workspace';
import { MAX_RESULT_CHARS } from '../workflows/limits';

/**
 * A step's final summary longer than the run keeps in state is written whole to `results/<step>.md` in the
 * run's workspace, and the text returned is its beginning with a reference, so dependents (and people) can
 * read the rest while the workflow's state stays small.
 */
export async function boundStepResult(workspaceRoot: string, stepId: string, text: string): Promise<string> {
  if (text.length <= MAX_RESULT_CHARS) return text;
  const workflowId = Context.current().info.workflowExecution?.workflowId;
  if (!workflowId) return text;
  const workspace = await Workspace.open(workspaceRoot, workflowId);
  const relative = path.join('results', `${stepId}.md`);
  const file = await workspace.resolve(relative);
  await mkdir(path.dirname(file), { recursive: true });
  await workspace.resolve(relative); // the folders on the way must still lead nowhere outside
  await writeFile(file, text, 'utf8');
  const note = `\n[... ${text.length} characters in all; the whole result is in ${relative} in the workspace]`;
  return `${text.slice(0, MAX_RESULT_CHARS - note.length - 1)}${note}`;
}

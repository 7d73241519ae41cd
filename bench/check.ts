/**
 * One check of a finished run's work, used for both engines: every step ran, each wrote its file with the
 * scripted content, and the run finished with the scripted answer. A run that did not do the work makes the
 * bench stop with the problems listed, so a fast wrong engine cannot look good.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ANSWER, fileContent, stepId } from './work';

export interface RunOutcome {
  label: string;
  workspace: string;
  answer: string | null;
  stepsDone: number;
}

export function checkRun(run: RunOutcome, steps: number): string[] {
  const problems: string[] = [];
  if (run.answer !== ANSWER) problems.push(`${run.label}: answer ${JSON.stringify(run.answer)}`);
  if (run.stepsDone !== steps) problems.push(`${run.label}: ${run.stepsDone} steps done, expected ${steps}`);
  for (let k = 1; k <= steps; k++) {
    const id = stepId(k);
    let content: string | undefined;
    try {
      content = readFileSync(path.join(run.workspace, `${id}.md`), 'utf8');
    } catch {
      problems.push(`${run.label}: ${id}.md was not written`);
      continue;
    }
    if (content !== fileContent(id)) problems.push(`${run.label}: ${id}.md holds ${JSON.stringify(content)}`);
  }
  return problems;
}

export function assertWorkDone(engine: string, runs: RunOutcome[], steps: number): void {
  const problems = runs.flatMap((r) => checkRun(r, steps));
  if (problems.length > 0) {
    throw new Error(
      `${engine} did not do the work:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  ... ${problems.length - 20} more` : ''}`,
    );
  }
}

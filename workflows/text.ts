/** Text shortening shared by the workflow and the activities (pure: no Temporal APIs). */
import { MAX_RESULT_CHARS } from './limits';

export function truncate(text: string, max = MAX_RESULT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A step's result from the executor's final answer, as the run keeps it and the re-planner sees it. */
export function stepResultOf(finalText: string): string {
  return truncate(finalText.trim() || '(the executor gave no summary)');
}

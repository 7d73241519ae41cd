/**
 * Turns what Temporal reports for a refused or undeliverable command into the client's typed errors. The
 * run words each refusal after a rule (workflows/plan-edits.ts, controls.ts, questions.ts); when the
 * failure carries `details: [{ rule, stepId, edit }]` those win, otherwise the rule is read from the words.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { CommandRejectedError, RunEndedError, RunNotFoundError, type RejectionRule } from './errors';

const RULES: [RegExp, RejectionRule][] = [
  [/^invalid \w+ payload/, 'invalid_payload'],
  [/there is no plan yet/, 'no_plan_yet'],
  [/not waiting for approval/, 'not_awaiting_approval'],
  [/already paused/, 'already_paused'],
  [/is not paused/, 'not_paused'],
  [/already being cancelled/, 'already_cancelling'],
  [/advice notes/, 'advice_limit'],
  [/unknown step id/, 'unknown_step'],
  [/only pending steps can change/, 'step_not_pending'],
  [/duplicate step id/, 'duplicate_id'],
  [/depend on it; change their dependsOn first/, 'has_dependents'],
  [/changes nothing/, 'empty_update'],
  [/reorder must list every pending step/, 'reorder_incomplete'],
  [/is already used by a/, 'id_in_use'],
  [/more than \d+ pending steps/, 'too_many_steps'],
  [/depends on itself/, 'self_dependency'],
  [/depends on unknown step/, 'unknown_dependency'],
  [/will never be done/, 'dependency_never_done'],
  [/dependency cycle/, 'dependency_cycle'],
  [/no question is waiting/, 'no_question'],
  [/question ".*" is not waiting/, 'unknown_question'],
];

const ENDED = /^the run has ended \(status: (\w+)\)/;

export function classifyRejection(reason: string): {
  rule: RejectionRule;
  stepId?: string;
  editIndex?: number;
} {
  const rule = RULES.find(([pattern]) => pattern.test(reason))?.[1] ?? 'other';
  const step = /step(?: id)? "([^"]+)"/.exec(reason)?.[1];
  const edit = /^edit (\d+):/.exec(reason)?.[1];
  return {
    rule,
    ...(step !== undefined ? { stepId: step } : {}),
    ...(edit !== undefined ? { editIndex: Number(edit) } : {}),
  };
}

/** The typed error (a PlanRunsError) for a command that failed, or the error itself when it is none of ours. */
export function commandError(err: unknown, workflowId: string, command: string): unknown {
  if (err instanceof WorkflowNotFoundError) {
    return /already completed/i.test(err.message)
      ? new RunEndedError(workflowId, command)
      : new RunNotFoundError(workflowId);
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    const reason = cause?.message ?? err.message;
    const ended = ENDED.exec(reason);
    if (ended) return new RunEndedError(workflowId, command, ended[1]);
    const found = classifyRejection(reason);
    const given = cause instanceof ApplicationFailure ? detailsOf(cause.details?.[0]) : {};
    const rule = given.rule ?? found.rule;
    const stepId = given.stepId ?? found.stepId;
    const editIndex = given.editIndex ?? found.editIndex;
    return new CommandRejectedError(workflowId, command, reason, rule, stepId, editIndex);
  }
  return err;
}

function detailsOf(value: unknown): { rule?: RejectionRule; stepId?: string; editIndex?: number } {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  return {
    ...(typeof v.rule === 'string' ? { rule: v.rule as RejectionRule } : {}),
    ...(typeof v.stepId === 'string' ? { stepId: v.stepId } : {}),
    ...(typeof v.edit === 'number' ? { editIndex: v.edit } : {}),
  };
}

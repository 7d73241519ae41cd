/**
 * What can go wrong when a script talks to a run, as error classes a caller can tell apart with
 * `instanceof`: bad input (nothing was sent), a command the run refused (with the rule and the step), a run
 * that has ended or does not exist, and how a run ended when it did not answer.
 */
import type { RunState } from '../../workflows/state';

/** The base class: every error the client throws on purpose is one of these. */
export class PlanRunsError extends Error {
  override readonly name: string = 'PlanRunsError';
}

/** Input or a command payload broke the contract's schema; nothing was sent. */
export class InvalidInputError extends PlanRunsError {
  override readonly name = 'InvalidInputError';
  constructor(
    /** What was being checked, e.g. "run input" or "editPlan payload". */
    readonly what: string,
    /** One entry per problem, each naming the field. */
    readonly problems: string[],
  ) {
    super(`Invalid ${what}: ${problems.join('; ')}`);
  }
}

/**
 * Why the run refused a command. The rules are the workflow's (workflows/plan-edits.ts, controls.ts,
 * questions.ts); `other` covers a reason this client does not know yet.
 */
export type RejectionRule =
  | 'no_plan_yet'
  | 'not_awaiting_approval'
  | 'already_paused'
  | 'not_paused'
  | 'already_cancelling'
  | 'advice_limit'
  | 'unknown_step'
  | 'step_not_pending'
  | 'duplicate_id'
  | 'has_dependents'
  | 'empty_update'
  | 'reorder_incomplete'
  | 'id_in_use'
  | 'too_many_steps'
  | 'self_dependency'
  | 'unknown_dependency'
  | 'dependency_never_done'
  | 'dependency_cycle'
  | 'no_question'
  | 'unknown_question'
  | 'invalid_payload'
  | 'other';

/** The run refused a command (an Update's validator or handler rejected it); the run did not change. */
export class CommandRejectedError extends PlanRunsError {
  override readonly name = 'CommandRejectedError';
  constructor(
    readonly workflowId: string,
    /** The message name, e.g. "editPlan". */
    readonly command: string,
    /** The run's own words, e.g. `edit 1: unknown step id "ghost"`. */
    readonly reason: string,
    readonly rule: RejectionRule,
    /** The step the rule is about, when there is one. */
    readonly stepId?: string,
    /** 1-based index of the edit op that broke the rule, for plan edits. */
    readonly editIndex?: number,
  ) {
    super(`${command} rejected: ${reason}`);
  }
}

/** The run has ended: it takes no more commands. */
export class RunEndedError extends PlanRunsError {
  override readonly name = 'RunEndedError';
  constructor(
    readonly workflowId: string,
    readonly command: string,
    /** The run's status at the end, when it said. */
    readonly status?: string,
  ) {
    super(
      `The run ${workflowId} has already ended${status ? ` (status: ${status})` : ''}; it takes no more commands (${command} not sent).`,
    );
  }
}

export class RunNotFoundError extends PlanRunsError {
  override readonly name = 'RunNotFoundError';
  constructor(readonly workflowId: string) {
    super(`No such run: ${workflowId}`);
  }
}

/**
 * The run ended in Temporal's Canceled state (by a person's cancel or through Temporal). Not a crash: the
 * final state says who cancelled and what was done.
 */
export class RunCancelledError extends PlanRunsError {
  override readonly name = 'RunCancelledError';
  constructor(
    readonly workflowId: string,
    /** The final state by query, or undefined when no worker answered it. */
    readonly state: RunState | undefined,
    /** CANCELLED; COMPLETED in the rare case Temporal refused the run's cancel request and it ended itself. */
    readonly execution: 'CANCELLED' | 'COMPLETED' = 'CANCELLED',
  ) {
    super(`The run ${workflowId} was cancelled${state?.endMessage ? `: ${state.endMessage}` : ''}`);
  }
}

/** The run failed, was terminated or timed out: it has no result. */
export class RunFailedError extends PlanRunsError {
  override readonly name = 'RunFailedError';
  constructor(
    readonly workflowId: string,
    /** Temporal's execution status: FAILED, TERMINATED or TIMED_OUT. */
    readonly execution: string,
    /** The failure's type when the run set one, e.g. "RunFailed" or "InvalidInput". */
    readonly failureType: string | undefined,
    reason: string,
    readonly state: RunState | undefined,
  ) {
    super(`The run ${workflowId} ${execution === 'FAILED' ? 'failed' : `ended ${execution}`}: ${reason}`);
  }
}

/** No Temporal server answered at the address. */
export class NoServerError extends PlanRunsError {
  override readonly name = 'NoServerError';
  constructor(
    readonly address: string,
    cause: string,
  ) {
    super(
      `No Temporal server answered at ${address} (${cause}). Start one (\`npm run server\` in this project), or set TEMPORAL_ADDRESS.`,
    );
  }
}

/**
 * One run, as a script steers it: read its state and plan, wait for its result, and send the controls.
 * Every payload is checked with the workflow's own zod schema before anything is sent, and every refusal
 * comes back as a typed error (see errors.ts).
 */
import type {
  QueryDefinition,
  UpdateDefinition,
  WorkflowExecutionStatusName,
  WorkflowHandle,
} from '@temporalio/client';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { planAndExecute } from '../../workflows';
import * as calls from '../../workflows/call-messages';
import * as m from '../../workflows/messages';
import { zodProblems } from '../../workflows/schemas';
import { buildReport, type PlanReport } from '../../workflows/plan-report';
import type { RunResult, RunState } from '../../workflows/state';
import { InvalidInputError, RunCancelledError, RunFailedError, RunNotFoundError } from './errors';
import { commandError } from './rejections';
import { watchRun, type RunChange, type WatchOptions } from './watch';

/** A plan edit as a caller writes it (`dependsOn` of a new step may be left out). */
export type EditOp = m.EditPlanPayload['ops'][number];

export interface RunDescription {
  workflowId: string;
  /** The run currently carrying the workflow id (a new one after each continue-as-new). */
  runId: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, ... */
  execution: WorkflowExecutionStatusName;
  startTime: Date;
  closeTime?: Date;
}

/** What `cancel()` reports: the acknowledgement, then the run as it ended (or as it is, if it had not yet). */
export interface CancelOutcome {
  ack: m.ControlAck;
  /** CANCELLED once the run has closed; RUNNING if it had not within the wait. */
  execution: WorkflowExecutionStatusName;
  /** The final state (status `cancelled`, `endMessage` saying who and what was done), when a worker answered. */
  state: RunState | undefined;
}

export class RunHandle {
  constructor(
    private readonly handle: WorkflowHandle<typeof planAndExecute>,
    /** The first run's id, when this handle started the run. */
    readonly firstRunId?: string,
    /** The run's page in the Temporal Web UI, when the client knows where that is. */
    readonly uiUrl?: string,
  ) {}

  get workflowId(): string {
    return this.handle.workflowId;
  }

  /** The Temporal SDK's own handle, for anything this API does not cover. */
  get temporal(): WorkflowHandle<typeof planAndExecute> {
    return this.handle;
  }

  /** Everything: status, plan with revisions, pins, questions, events, advice, usage. Answers on ended runs too. */
  state(): Promise<RunState> {
    return this.query(m.getStateQuery);
  }

  /** A compact view of the plan. */
  plan(): Promise<m.PlanView> {
    return this.query(m.getPlanQuery);
  }

  async describe(): Promise<RunDescription> {
    try {
      const d = await this.handle.describe();
      return {
        workflowId: d.workflowId,
        runId: d.runId,
        execution: d.status.name,
        startTime: d.startTime,
        ...(d.closeTime ? { closeTime: d.closeTime } : {}),
      };
    } catch (err) {
      throw this.notFound(err);
    }
  }

  /**
   * Waits for the run to end and returns its result. A cancelled run throws RunCancelledError, a failed,
   * terminated or timed-out one RunFailedError, each with the final state when a worker answers for it.
   */
  async result(): Promise<RunResult> {
    let result: RunResult;
    try {
      result = await this.handle.result();
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw this.notFound(err);
      const state = await this.finalState();
      const cause = err.cause;
      if (cause instanceof CancelledFailure) throw new RunCancelledError(this.workflowId, state);
      const execution =
        cause instanceof TerminatedFailure
          ? 'TERMINATED'
          : cause instanceof TimeoutFailure
            ? 'TIMED_OUT'
            : 'FAILED';
      const type = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
      throw new RunFailedError(this.workflowId, execution, type, cause?.message ?? err.message, state);
    }
    // Temporal refused the run's own cancel request, so it ended with a result: still a cancelled run.
    if (result.endReason === 'cancelled')
      throw new RunCancelledError(this.workflowId, await this.finalState());
    return result;
  }

  /** The run's changes as they happen, until it closes (see watch.ts). */
  watch(options?: WatchOptions): AsyncGenerator<RunChange> {
    return watchRun(this.handle, options);
  }

  approve(options: m.ApprovePayload = {}): Promise<m.ControlAck> {
    return this.control(m.approveUpdate, m.ApproveSchema, options);
  }

  reject(reason: string): Promise<m.ControlAck> {
    return this.control(m.rejectUpdate, m.RejectSchema, { reason });
  }

  /** Edits the plan; the ack carries the new plan version and any notes (e.g. a step placed after its dependency). */
  edit(ops: EditOp[], options: { reason?: string } = {}): Promise<m.ControlAck> {
    return this.control(m.editPlanUpdate, m.EditPlanSchema, { ops, ...options });
  }

  pause(options: { reason?: string } = {}): Promise<m.ControlAck> {
    return this.control(m.pauseUpdate, m.PauseSchema, options);
  }

  resume(): Promise<m.ControlAck> {
    return this.control(m.resumeUpdate, m.ResumeSchema, {});
  }

  advise(note: string): Promise<m.ControlAck> {
    return this.control(m.adviseUpdate, m.AdviseSchema, { note });
  }

  answer(answer: string, options: { questionId?: string } = {}): Promise<m.ControlAck> {
    return this.control(m.answerUpdate, m.AnswerSchema, { answer, ...options });
  }

  /**
   * Adds to the run's budget limits (dollars, tokens, minutes); a run waiting in `awaiting_budget` goes on as
   * soon as the new limits allow its next call. Refused for a limit the run was not started with.
   */
  extendBudget(payload: m.BudgetPayload): Promise<m.ControlAck> {
    return this.control(m.budgetUpdate, m.BudgetSchema, payload);
  }

  /** The plan-quality report (steps, re-plans, parallelism, cost and time, retries, waits, cache), as of now. */
  async report(): Promise<PlanReport> {
    return buildReport(await this.state(), Date.now());
  }

  /** Lets a tool call waiting for approval run (its id is in the state's `pendingCalls`). */
  approveCall(callId: string, options: { reason?: string } = {}): Promise<m.ControlAck> {
    return this.control(calls.approveCallUpdate, calls.ApproveCallSchema, { callId, ...options });
  }

  /** Refuses a tool call waiting for approval; the model is told the reason and the run goes on. */
  denyCall(callId: string, reason: string): Promise<m.ControlAck> {
    return this.control(calls.denyCallUpdate, calls.DenyCallSchema, { callId, reason });
  }

  /**
   * Cancels the run: the run stops starting new calls and asks Temporal to cancel it, so it ends in the
   * Canceled state. Waits (up to `timeoutMs`, default 60 s) for it to close and returns the final state.
   */
  async cancel(options: { reason?: string; timeoutMs?: number } = {}): Promise<CancelOutcome> {
    const { timeoutMs = 60_000, ...payload } = options;
    const ack = await this.control(m.cancelUpdate, m.CancelSchema, payload);
    const deadline = Date.now() + timeoutMs;
    let execution = (await this.describe()).execution;
    while (execution === 'RUNNING' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      execution = (await this.describe()).execution;
    }
    return { ack, execution, state: await this.finalState() };
  }

  private async control<S extends z.ZodType, P>(
    update: UpdateDefinition<m.ControlAck, [P]>,
    schema: S,
    payload: unknown,
  ): Promise<m.ControlAck> {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new InvalidInputError(
        `${update.name} payload`,
        zodProblems(parsed.error, { schema, input: payload }),
      );
    }
    try {
      // The payload as given (not the parsed one): the run applies its own defaults.
      return await this.handle.executeUpdate(update, { args: [payload as P] });
    } catch (err) {
      throw commandError(err, this.workflowId, update.name);
    }
  }

  private async query<T>(query: QueryDefinition<T, []>): Promise<T> {
    try {
      return await this.handle.query(query);
    } catch (err) {
      throw this.notFound(err);
    }
  }

  private async finalState(): Promise<RunState | undefined> {
    try {
      return await this.handle.query(m.getStateQuery);
    } catch {
      return undefined;
    }
  }

  private notFound(err: unknown): unknown {
    return err instanceof WorkflowNotFoundError ? new RunNotFoundError(this.workflowId) : err;
  }
}

/**
 * What people can do to a run, each as a check (run by update validators before anything changes, and by
 * signal handlers) and an action. A check throws a PlanEditError naming the rule; an action changes the
 * state and returns the acknowledgement the caller sees, with the plan version and status it produced.
 */
import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { Activities } from './activity-contract';
import { MAX_ADVICE_NOTES, MAX_ADVICE_TOTAL_CHARS } from './limits';

import type { ControlAck, PlanEditOp } from './messages';
import { describeRevision } from './plan';
import { applyPlanEdits, PlanEditError } from './plan-edits';
import type { Questions } from './questions';
import type { RunCore } from './run-core';
import { now, truncate } from './run-core';

const { requestCancellation } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  summary: 'cancel requested by a person',
  retry: { maximumAttempts: 5 },
});

export type ApprovalDecision = { approved: true } | { approved: false; reason: string };

export class Controls {
  approval: ApprovalDecision | undefined;
  awaitingApproval = false;
  cancelRequest: { reason?: string } | undefined;
  /** Temporal refused the cancel request, and the run cancelled itself from inside (it ends with a result). */
  cancelledFromInside = false;
  /** Called after anything that may let the scheduler start work (an edit, a resume). */
  onChange: () => void = () => undefined;

  constructor(
    private readonly core: RunCore,
    private readonly questions: Questions,
    readonly scope: CancellationScope,
  ) {}

  checkNotEnded(): void {
    if (this.core.ended()) {
      throw new PlanEditError(`the run has ended (status: ${this.core.state.status})`);
    }
  }

  checkCanEdit(ops: PlanEditOp[]): void {
    this.checkNotEnded();
    if (this.core.state.plan.version === 0)
      throw new PlanEditError('there is no plan yet: the planner is still working; try again in a moment');
    applyPlanEdits(this.core.state.plan, ops, 'check', now());
  }

  editPlan(ops: PlanEditOp[], reason: string | undefined): ControlAck {
    const { core } = this;
    const outcome = applyPlanEdits(
      core.state.plan,
      ops,
      reason ?? 'edited by a person (no reason given)',
      now(),
    );
    core.setPlan(outcome.plan);
    const removed = new Set(outcome.removed);
    core.state.pinnedStepIds = [...new Set([...core.state.pinnedStepIds, ...outcome.touched])].filter(
      (id) => !removed.has(id),
    );
    core.state.humanRemovedStepIds = [...new Set([...core.state.humanRemovedStepIds, ...outcome.removed])];
    const revision = core.state.plan.revisions.at(-1);
    core.event(
      'plan_edited',
      `Plan v${core.state.plan.version} by a person: ${revision?.reason ?? ''} (${describeRevision(revision)})`,
    );
    for (const note of outcome.notes) core.event('edit_note', note);
    this.onChange();
    return this.ack(`plan is now version ${core.state.plan.version}`, outcome.notes);
  }

  checkAwaitingApproval(): void {
    if (!this.awaitingApproval || this.approval !== undefined || this.core.ended()) {
      throw new PlanEditError(`the run is not waiting for approval (status: ${this.core.state.status})`);
    }
  }

  approve(ops: PlanEditOp[] | undefined, reason: string | undefined): ControlAck {
    const notes =
      ops && ops.length > 0 ? this.editPlan(ops, reason ?? 'edited on approval').notes : undefined;
    this.approval = { approved: true };
    this.awaitingApproval = false;
    this.core.setPhase('executing');
    this.core.event(
      'approved',
      `Plan v${this.core.state.plan.version} approved${reason ? `: ${reason}` : ''}.`,
    );
    return this.ack('approved', notes);
  }

  reject(reason: string): ControlAck {
    this.approval = { approved: false, reason };
    this.awaitingApproval = false;
    this.core.event('rejected', `Plan rejected: ${reason}`);
    return this.ack('rejected');
  }

  checkCanPause(): void {
    this.checkNotEnded();
    if (this.core.state.paused) throw new PlanEditError('the run is already paused');
  }

  pause(reason: string | undefined): ControlAck {
    this.core.state.paused = true;
    this.core.event(
      'paused',
      `Paused${reason ? `: ${reason}` : ''}; no new model or tool call starts until resume.`,
    );
    this.core.refreshStatus();
    return this.ack('paused');
  }

  checkCanResume(): void {
    this.checkNotEnded();
    if (!this.core.state.paused) throw new PlanEditError('the run is not paused');
  }

  resume(): ControlAck {
    this.core.state.paused = false;
    this.core.event('resumed', 'Resumed.');
    this.core.refreshStatus();
    this.onChange();
    return this.ack('resumed');
  }

  checkCanCancel(): void {
    this.checkNotEnded();
    if (this.cancelRequest) throw new PlanEditError('the run is already being cancelled');
  }

  /**
   * A person's cancel: no new call starts from now on, and the run asks Temporal to cancel it, so that it
   * ends in Temporal's Canceled state (calls in flight are cancelled, the final state says what was done).
   */
  cancel(reason: string | undefined): ControlAck {
    this.cancelRequest = reason !== undefined ? { reason } : {};
    this.core.state.cancelling = true;
    this.core.event('cancel_requested', `Cancel requested${reason ? `: ${reason}` : ''}.`);
    void CancellationScope.nonCancellable(() => requestCancellation()).catch((err: unknown) => {
      // Only if Temporal itself refused: end the run from inside instead (it then ends as Completed).
      this.core.event(
        'cancel_fallback',
        `Temporal did not take the cancel request (${String(err)}); cancelling from inside.`,
      );
      this.scope.cancel();
    });
    return this.ack('cancelling');
  }

  checkCanAdvise(note: string): void {
    this.checkNotEnded();
    const { advice } = this.core.state;
    if (advice.length >= MAX_ADVICE_NOTES) {
      throw new PlanEditError(
        `the run already has ${MAX_ADVICE_NOTES} advice notes, the most it keeps; fold what matters into one note or edit the plan instead`,
      );
    }
    const used = advice.reduce((n, a) => n + a.note.length, 0);
    if (used + note.length > MAX_ADVICE_TOTAL_CHARS) {
      throw new PlanEditError(
        `advice would exceed ${MAX_ADVICE_TOTAL_CHARS} characters in all (${used} used); shorten the note or edit the plan instead`,
      );
    }
  }

  advise(note: string): ControlAck {
    this.core.state.advice.push({ at: now(), note });
    this.core.event('advice', `A person advises: ${truncate(note, 200)}`);
    return this.ack('noted');
  }

  checkCanAnswer(questionId: string | undefined): void {
    this.checkNotEnded();
    this.questions.checkCanAnswer(questionId);
  }

  answer(answer: string, questionId: string | undefined): ControlAck {
    const id = this.questions.answer(answer, questionId);
    return this.ack(`answered ${id}`);
  }

  recordRejectedSignal(name: string, message: string): void {
    this.core.event('signal_rejected', `${name} signal rejected: ${message}`);
  }

  private ack(message: string, notes?: string[]): ControlAck {
    return {
      planVersion: this.core.state.plan.version,
      status: this.core.state.status,
      message,
      ...(notes && notes.length > 0 ? { notes } : {}),
    };
  }
}

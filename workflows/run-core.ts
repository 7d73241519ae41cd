/**
 * What every part of a run shares: the state, the event log, the status people see, the pause gate and
 * the step index. The parts (scheduler, step runner, re-planner, controls) each take a RunCore; none of
 * them owns another.
 */
import { condition, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { TokenUsage } from './chat';
import { renderDetails } from './details';
import type { ResolvedRunInput } from './schemas';
import type { EndReason, ModelRole, Plan, PlanStep, RunResult, RunState } from './state';
import { ENDED_STATUSES, initialState } from './state';
import { MAX_EVENT_CHARS, MAX_EVENTS, MAX_REVISIONS_KEPT } from './limits';
import { truncate } from './text';
import { recordStepDuration } from './metrics';
import { buildReport } from './plan-report';
import { SearchAttributeKeeper } from './search';
import { recordModelCall, type CallInfo } from './spend';
import { changeStatus } from './status-time';

/** What the run is doing when nobody paused it and no question waits. */
export type Phase = 'planning' | 'awaiting_approval' | 'executing' | 'replanning';

export class RunCore {
  readonly state: RunState;
  /**
   * Prefix of every idempotency key: the workflow id and its first run's id, the same on every retry and
   * across continue-as-new, and different for a new run that reuses the workflow id.
   */
  readonly keyPrefix = `${workflowInfo().workflowId}@${workflowInfo().firstExecutionRunId}`;
  private phase: Phase = 'planning';
  private readonly index = new Map<string, PlanStep>();
  private detailsDirty = false;
  private readonly searchAttributes = new SearchAttributeKeeper();

  constructor(readonly input: ResolvedRunInput) {
    this.state = initialState(input, now());
  }

  // ---- plan ----------------------------------------------------------------------------------------

  step(id: string): PlanStep | undefined {
    return this.index.get(id);
  }

  /** Replace the plan (a revision or an edit); steps are indexed by id once per revision. */
  setPlan(plan: Plan): void {
    // The first revision (the planner's) and the latest ones; people's edits must not grow state forever.
    if (plan.revisions.length > MAX_REVISIONS_KEPT) {
      const dropped = plan.revisions.length - MAX_REVISIONS_KEPT;
      plan.revisions.splice(1, dropped);
      this.state.revisionsOmitted = (this.state.revisionsOmitted ?? 0) + dropped;
    }
    this.state.plan = plan;

    this.index.clear();
    for (const step of plan.steps) this.index.set(step.id, step);
    this.touch();
  }

  /** Change one step in place: O(1), however long the run. */
  patchStep(
    id: string,
    patch: Partial<Pick<PlanStep, 'status' | 'result' | 'turns' | 'startedAt' | 'endedAt'>>,
  ): void {
    const step = this.index.get(id);
    if (!step) return;
    Object.assign(step, patch);
    if ((patch.status === 'done' || patch.status === 'failed') && patch.endedAt) {
      recordStepDuration(step.startedAt, patch.endedAt, patch.status);
    }
    this.touch();
  }

  // ---- status --------------------------------------------------------------------------------------

  setPhase(phase: Phase): void {
    if (this.phase === phase) return;
    this.phase = phase;
    this.refreshStatus();
  }

  /**
   * Status shown to people: paused, waiting on the budget, or waiting for an answer outrank the phase the
   * run is in. The budget outranks a question: while it is reached no call starts, so an answer alone would
   * not move the run; pause outranks both, being a person's explicit act that must be undone first.
   */
  refreshStatus(): void {
    if (this.ended()) return;
    changeStatus(
      this.state,
      this.state.paused
        ? 'paused'
        : this.state.budget?.waiting
          ? 'awaiting_budget'
          : this.state.pendingQuestion || this.state.pendingCalls.length > 0
            ? 'waiting_for_human'
            : this.phase,
      now(),
    );
    this.touch();
  }

  ended(): boolean {
    return ENDED_STATUSES.includes(this.state.status);
  }

  /**
   * Where pause takes effect: before each model or tool call. The call in flight finishes first. After a
   * person's cancel nothing new starts either (the cancellation itself ends the wait). Returns nothing when
   * the way is open: callers `await` only a real wait, because every promise made in workflow code costs
   * (the SDK records a stack trace for each, for its stack-trace query).
   */
  checkpoint(): Promise<void> | undefined {
    if (!this.state.paused && !this.state.cancelling) return undefined;
    return condition(() => !this.state.paused && !this.state.cancelling);
  }

  // ---- bookkeeping ---------------------------------------------------------------------------------

  event(kind: string, message: string, stepId?: string): void {
    const { state } = this;
    state.eventsTotal += 1;
    state.events.push({
      seq: state.eventsTotal,
      at: now(),
      kind,
      message: truncate(message, MAX_EVENT_CHARS),
      ...(stepId !== undefined ? { stepId } : {}),
    });
    if (state.events.length > MAX_EVENTS) state.events.splice(0, state.events.length - MAX_EVENTS);
    this.touch();
  }

  /** One model call: its tokens, cost and time, per role and model, per step (info.stepId), per run. */
  recordUsage(role: ModelRole, model: string, usage: TokenUsage, info?: CallInfo): void {
    const step = info?.stepId !== undefined ? this.index.get(info.stepId) : undefined;
    recordModelCall(this.state, step, now(), role, model, usage, info);
    this.touch();
  }

  /**
   * Something people can see changed. The Web UI's current details are rendered once at the end of the
   * activation, not on every change, so a workflow task costs the same however many changes it makes.
   */
  touch(): void {
    this.state.updatedAt = now();
    if (this.detailsDirty) return;
    this.detailsDirty = true;
    void Promise.resolve().then(() => {
      this.detailsDirty = false;
      setCurrentDetails(renderDetails(this.state));
      this.searchAttributes.update(this.state);
    });
  }

  // ---- the end -------------------------------------------------------------------------------------

  /** End the run with a result (completed or cancelled by a person). */
  end(
    reason: Exclude<EndReason, 'error'>,
    message: string,
    status: 'completed' | 'cancelled' = 'completed',
  ): RunResult {
    this.markEnded(status, reason, message);
    return this.result(reason, message);
  }

  /** The run's result, from its state as it ended. */
  result(reason: Exclude<EndReason, 'error'>, message: string): RunResult {
    const { state } = this;
    return {
      endReason: reason,
      answer: reason === 'answered' ? (state.answer ?? '') : null,
      message,
      plan: state.plan,
      usage: state.usage,
      stepsExecuted: state.stepsExecuted,
      replans: state.replans,
      report: buildReport(state, Date.now()),
    };
  }

  markEnded(status: 'completed' | 'failed' | 'cancelled', reason: EndReason, message: string): void {
    const { state } = this;
    state.endReason = reason;
    state.endMessage = message;
    state.pendingQuestion = undefined;
    state.questions = [];
    state.pendingCalls = [];
    // Steps still marked running (their calls were cut off); the scheduler may have let go of them already.
    for (const { id } of state.plan.steps.filter((s) => s.status === 'running')) {
      this.patchStep(id, {
        status: 'failed',
        result: `Interrupted: the run ended (${reason}) while this step ran.`,
        endedAt: now(),
      });
    }
    state.runningStepIds = [];
    if (state.budget) state.budget.waiting = undefined;
    changeStatus(state, status, now());
    this.event(
      status === 'completed' ? 'run_completed' : status === 'failed' ? 'run_failed' : 'run_cancelled',
      `${reason}: ${message}`,
    );
  }

  doneSummary(): string {
    const done = this.state.plan.steps.filter((s) => s.status === 'done').map((s) => s.id);
    return done.length > 0 ? `Steps done before that: ${done.join(', ')}.` : 'No step had finished.';
  }
}

export function now(): string {
  // Date in workflow code is Temporal's deterministic clock, replayed from history.
  return new Date().toISOString();
}

export { truncate } from './text';

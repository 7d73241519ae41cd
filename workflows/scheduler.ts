/**
 * The streaming scheduler: steps start as soon as their dependencies are done and a slot is free, and the
 * re-planner runs while other steps go on.
 *
 * - Every finished step is seen by exactly one re-plan. A re-plan starts when a step finishes and either no
 *   other step is running, or a slot is free for a ready step (which the revision may change); otherwise it
 *   waits for the next finish, so steps that finish close together share one re-plan.
 * - While a re-plan is in flight, running steps go on, no new step starts, and finishes are left for the
 *   next re-plan. The revision applies to pending steps only, after any edits people made meanwhile.
 * - Nothing new starts while the run is paused, draining for continue-as-new, finishing or at a limit.
 * - A step running alone may have its re-plan asked ahead, in its own local activity (replan-ahead.ts); that
 *   answer is used, if its input still holds, before anything else, continue-as-new included.
 */
import { condition, patched } from '@temporalio/workflow';
import type { ReplannerInput } from './activity-contract';
import type { MadeAhead } from './replan-ahead';
import type { Calls } from './calls';
import type { Continuation } from './continuation';
import { continueRun, shouldContinueAsNew } from './continuation';
import { readySteps } from './plan';
import type { Questions } from './questions';
import type { Replanner } from './replanner';
import type { RunCore } from './run-core';
import { now } from './run-core';
import type { RunResult } from './state';
import { runStep } from './step-runner';

/** Steps people add while the run closes run before it ends (see lateEditsToRun). */
export const LATE_EDITS_PATCH = 'late-edits-run';

type Stop =
  { reason: 'max_steps' | 'max_replans'; message: string } | { reason: 'answered'; message: string };

export class Scheduler {
  /** Finished steps no re-plan has seen yet. */
  private unseen: string[];
  private replanInFlight = false;
  private changed = true;
  private failure: { error: unknown } | undefined;
  private stop: Stop | undefined;
  private readonly stepsAtStart: number;

  constructor(
    private readonly core: RunCore,
    private readonly calls: Calls,
    private readonly questions: Questions,
    private readonly replanner: Replanner,
    carried?: Pick<Continuation, 'unseen'>,
  ) {
    this.unseen = [...(carried?.unseen ?? [])];
    this.stepsAtStart = core.state.stepsExecuted;
  }

  /** Something the scheduler decides on changed (an edit, a resume): look again. */
  wake(): void {
    this.changed = true;
  }

  async run(): Promise<RunResult> {
    const { core } = this;
    for (;;) {
      await condition(() => this.changed);
      this.changed = false;
      if (this.failure) throw this.failure.error;
      const running = core.state.runningStepIds.length;
      const idle = running === 0 && !this.replanInFlight;
      if (this.stop) {
        if (!idle) continue;
        await this.calls.settle();
        if (this.lateEditsToRun()) continue;
        return this.finish(this.stop);
      }
      // A re-plan asked ahead for the step that just ended is used first: handing over would waste it.
      const madeAhead = this.replanner.ahead.holds();
      if (
        idle &&
        !madeAhead &&
        this.stepsThisRun() > 0 &&
        shouldContinueAsNew(core.input.options, this.stepsThisRun())
      ) {
        await this.calls.settle();
        return continueRun(core, this.questions.count, this.unseen);
      }
      if (core.state.paused || core.state.cancelling || (this.draining() && !madeAhead)) continue;
      if (!this.replanInFlight && this.unseen.length > 0 && this.replanDue(running)) {
        this.startReplan();
      } else if (!this.replanInFlight && this.unseen.length === 0) {
        const started = this.startReadySteps();
        if (!started && idle && !this.stop) this.startReplan(); // nothing can run: the re-planner decides
      }
      this.showPhase();
    }
  }

  private replanDue(running: number): boolean {
    if (running === 0) return true;
    const free = this.core.input.options.maxParallelSteps - running;
    return free > 0 && readySteps(this.core.state.plan).length > 0;
  }

  /** Start ready steps in free slots; false when none could start. */
  private startReadySteps(): boolean {
    const { core } = this;
    const { options } = core.input;
    const free = options.maxParallelSteps - core.state.runningStepIds.length;
    if (free <= 0) return true;
    const ready = readySteps(core.state.plan);
    if (ready.length === 0) return false;
    const started = core.state.stepsExecuted + core.state.runningStepIds.length;
    const budget = options.maxSteps - started;
    if (budget <= 0) {
      this.stopAt(
        'max_steps',
        `Stopped after ${core.state.stepsExecuted} steps: options.maxSteps (${options.maxSteps}) was reached with ${core.state.plan.steps.filter((s) => s.status === 'pending').length} steps still pending. Raise maxSteps to let the run go further.`,
      );
      return true;
    }
    for (const step of ready.slice(0, Math.min(free, budget))) this.startStep(step.id);
    return true;
  }

  private startStep(id: string): void {
    const { core } = this;
    const step = core.step(id);
    if (!step) return;
    core.patchStep(id, { status: 'running', startedAt: now() });
    core.state.runningStepIds.push(id);
    core.event('step_started', `Step ${id} started: ${step.title}`, id);
    const ahead = {
      template: () => this.aheadTemplate(id),
      offer: (template: ReplannerInput, result: MadeAhead) => {
        if ('outcome' in result) this.calls.observeAhead(result.outcome.elapsedMs);
        const ended = core.step(id);
        if (ended) this.replanner.ahead.offer(template, ended, result);
      },
    };
    void runStep(core, this.calls, this.questions, step, ahead).then(
      () => this.stepEnded(id),
      (error: unknown) => {
        this.failure ??= { error };
        this.stepEnded(id);
      },
    );
  }

  /**
   * The re-plan input to ask along with step `id`'s last turn (replan-ahead.ts), when the run would re-plan
   * as soon as it ends: it runs alone, nothing else waits to be seen, no stop, limit or hand-over comes first,
   * and the re-planner answered fast last time.
   */
  private aheadTemplate(id: string): ReplannerInput | undefined {
    const { state, input } = this.core;
    const { options } = input;
    if (state.runningStepIds.length !== 1 || state.runningStepIds[0] !== id) return undefined;
    if (this.replanInFlight || this.unseen.length > 0 || this.stop || this.failure) return undefined;
    if (state.paused || state.cancelling || state.replans >= options.maxReplans) return undefined;
    // Only when the re-planner answers fast: a slow one goes on its own, as a regular activity.
    if (!this.calls.fastLane('replanner')) return undefined;
    if (shouldContinueAsNew(options, this.stepsThisRun() + 1)) return undefined;
    const started = state.stepsExecuted + state.runningStepIds.length;
    return this.replanner.aheadOf(id, Math.max(0, options.maxSteps - started));
  }

  private stepEnded(id: string): void {
    const { state } = this.core;
    state.runningStepIds = state.runningStepIds.filter((r) => r !== id);
    if (!this.failure) {
      state.stepsExecuted += 1;
      this.unseen.push(id);
    }
    this.changed = true;
  }

  private startReplan(): void {
    const { core } = this;
    const { options } = core.input;
    if (core.state.replans >= options.maxReplans) {
      this.stopAt(
        'max_replans',
        `Stopped after ${core.state.replans} re-plans: options.maxReplans (${options.maxReplans}) was reached before the re-planner finished. Raise maxReplans to let the run go further.`,
      );
      return;
    }
    const seen = this.unseen;
    this.unseen = [];
    this.replanInFlight = true;
    this.showPhase();
    const started = core.state.stepsExecuted + core.state.runningStepIds.length;
    void this.replanner
      .decide(seen, Math.max(0, options.maxSteps - started))
      .then((decision) => {
        if (decision.action === 'continue') {
          this.replanner.apply(decision.remainingSteps, decision.reason);
          return;
        }
        const pinnedLeft = this.replanner.pinnedLeft();
        if (pinnedLeft.length === 0) {
          core.state.answer = decision.answer;
          this.stop = { reason: 'answered', message: decision.reason };
          return;
        }
        core.event(
          'pinned_kept',
          `The re-planner wanted to finish, but steps a person added or changed are still pending (${pinnedLeft.map((d) => d.id).join(', ')}); running them first.`,
        );
        this.replanner.apply(pinnedLeft, decision.reason);
      })
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.replanInFlight = false;
        this.changed = true;
      });
  }

  private stopAt(reason: 'max_steps' | 'max_replans', message: string): void {
    this.stop = { reason, message };
    this.changed = true;
  }

  /**
   * Steps people added or changed after the re-planner decided to finish (their edits reached the run while
   * it closed: messages wait while local calls run) run before the run ends, as they would have had the
   * re-planner seen them. Runs begun before the patch ended without them.
   */
  private lateEditsToRun(): boolean {
    if (this.stop?.reason !== 'answered') return false;
    const left = this.replanner.pinnedLeft();
    if (left.length === 0 || !patched(LATE_EDITS_PATCH)) return false;
    this.core.event(
      'pinned_kept',
      `Steps a person added or changed while the run was finishing are still pending (${left.map((d) => d.id).join(', ')}); running them first.`,
    );
    this.stop = undefined;
    delete this.core.state.answer;
    this.changed = true;
    return true;
  }

  /** Called once nothing runs: a finish decided while steps still ran waited for them. */
  private finish(stop: Stop): RunResult {
    return this.core.end(stop.reason, stop.message);
  }

  /** Continue-as-new is due: start nothing new, let what runs finish, then hand over. */
  private draining(): boolean {
    return this.stepsThisRun() > 0 && shouldContinueAsNew(this.core.input.options, this.stepsThisRun());
  }

  private stepsThisRun(): number {
    return this.core.state.stepsExecuted - this.stepsAtStart;
  }

  private showPhase(): void {
    const running = this.core.state.runningStepIds.length;
    this.core.setPhase(running === 0 && this.replanInFlight ? 'replanning' : 'executing');
  }
}

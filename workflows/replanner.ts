/**
 * The re-planner's part of a run: what it is shown (a compact view that does not grow with the run), the
 * call, and how its revision is applied: to pending steps only, after people's edits, which win on the
 * steps they pinned.
 */
import type { FinishedStepSummary, ReplannerInput } from './activity-contract';
import type { Calls } from './calls';
import { recordReplanDuration } from './metrics';
import { ReplanAhead } from './replan-ahead';
import { pendingPinnedDrafts, protectHumanEdits } from './pinning';
import { describeRevision, findPlanProblems, replaceRemaining, replanIdSets, toDraft } from './plan';
import type { RunCore } from './run-core';
import { now, truncate } from './run-core';
import type { ReplannerOutput, StepDraft } from './schemas';
import { ToolGate } from './tool-gate';

/** Finished steps shown to the re-planner by their one-line summary; older ones are only counted. */
export const REPLAN_FINISHED_SHOWN = 40;
export const REPLAN_SUMMARY_CHARS = 200;
/** Advice notes the re-planner and executor see: the most recent ones. */
export const ADVICE_SHOWN = 20;

export class Replanner {
  /** A re-plan asked along with a step's last turn, waiting to be used (or not) by the next decide(). */
  readonly ahead: ReplanAhead;

  constructor(
    private readonly core: RunCore,
    private readonly calls: Calls,
  ) {
    this.ahead = new ReplanAhead(core);
  }

  /** Ask the re-planner about the steps in `justFinished` (may be empty when the plan is stuck). */
  async decide(justFinished: string[], stepsLeftInBudget: number): Promise<ReplannerOutput> {
    const { core } = this;
    const { options } = core.input;
    const replanNumber = core.state.replans + 1;
    const startedAt = now();
    const base = this.input(justFinished, stepsLeftInBudget);
    const made = this.ahead.take({ ...base, idempotencyKey: this.key(replanNumber, 1) });
    const decision = await this.calls.structured<ReplannerOutput>(
      'replanner',
      options.replannerModel,
      (activities, correction, attempt) =>
        activities.replanner.executeWithOptions(
          { summary: `re-plan ${replanNumber}${attempt > 1 ? ' (re-ask)' : ''}` },
          [
            {
              ...base,
              idempotencyKey: this.key(replanNumber, attempt),
              ...(correction ? { correction } : {}),
            },
          ],
        ),
      (value) => this.problems(value),
      made,
    );
    core.state.replans = replanNumber;
    recordReplanDuration(startedAt, now(), decision.action);
    return decision;
  }

  /**
   * Apply a "continue" revision (or the pinned steps left when it wanted to finish): people's edits made
   * while it was being decided are kept, and a revision that cannot be merged with them leaves the plan as
   * it is, with an event saying why.
   */
  apply(proposed: StepDraft[], reason: string): void {
    const { core } = this;
    const { plan } = core.state;
    const { steps, notes } = this.protect(proposed);
    for (const note of notes) core.event('pinned_kept', note);
    const { usable, taken } = replanIdSets(plan);
    const problems = findPlanProblems(steps, usable, taken);
    if (problems.length > 0) {
      core.event(
        'replan_not_applied',
        `The re-planner's revision could not be merged with people's edits: ${problems.join('; ')}; plan kept.`,
      );
      return;
    }
    core.setPlan(replaceRemaining(plan, steps, 'replanner', reason, now()));
    const revision = core.state.plan.revisions.at(-1);
    core.event('replanned', `Plan v${core.state.plan.version}: ${reason} (${describeRevision(revision)})`);
  }

  /**
   * The input of the re-plan that would follow if `stepId`, the one step running, finished now (see
   * replan-ahead.ts): as decide() would build it, with `justFinished` left for the step's result.
   */
  aheadOf(stepId: string, stepsLeftInBudget: number): ReplannerInput {
    const base = this.input([], stepsLeftInBudget);
    return {
      ...base,
      running: base.running.filter((r) => r.id !== stepId),
      idempotencyKey: this.key(this.core.state.replans + 1, 1),
    };
  }

  private key(replanNumber: number, attempt: number): string {
    return `${this.core.keyPrefix}/replan-${replanNumber}/${attempt}`;
  }

  /** Pinned steps still pending: what must run even when the re-planner wants to finish. */
  pinnedLeft(): StepDraft[] {
    return pendingPinnedDrafts(this.core.state.plan, this.core.state.pinnedStepIds);
  }

  /** The rules a revision must keep, checked on what would be applied: the proposal after people's edits. */
  private problems(value: ReplannerOutput): string[] {
    if (value.action !== 'continue') return [];
    const { usable, taken } = replanIdSets(this.core.state.plan);
    return findPlanProblems(this.protect(value.remainingSteps).steps, usable, taken);
  }

  private protect(proposed: StepDraft[]): ReturnType<typeof protectHumanEdits> {
    const { state } = this.core;
    return protectHumanEdits(state.plan, proposed, state.pinnedStepIds, state.humanRemovedStepIds);
  }

  private input(justFinished: string[], stepsLeftInBudget: number): Omit<ReplannerInput, 'idempotencyKey'> {
    const { core } = this;
    const just = new Set(justFinished);
    const finished: FinishedStepSummary[] = [];
    const running: ReplannerInput['running'] = [];
    const pending: StepDraft[] = [];
    const justRan: ReplannerInput['justFinished'] = [];
    for (const step of core.state.plan.steps) {
      if (step.status === 'pending') pending.push(toDraft(step));
      else if (step.status === 'running') running.push({ id: step.id, title: step.title });
      else if (just.has(step.id) && (step.status === 'done' || step.status === 'failed')) {
        justRan.push({ id: step.id, title: step.title, status: step.status, result: step.result ?? '' });
      } else {
        finished.push({
          id: step.id,
          title: step.title,
          status: step.status,
          summary: truncate((step.result ?? '').replace(/\s+/g, ' ').trim(), REPLAN_SUMMARY_CHARS),
        });
      }
    }
    const olderFinished = Math.max(0, finished.length - REPLAN_FINISHED_SHOWN);
    const tools = ToolGate.of(core)?.offered();
    return {
      goal: core.input.goal,
      ...(core.input.context !== undefined ? { context: core.input.context } : {}),
      planVersion: core.state.plan.version,
      justFinished: justRan,
      finished: finished.slice(olderFinished),
      olderFinished,
      running,
      pending,
      stepsLeftInBudget,
      pinned: this.pinnedLeft().map((d) => d.id),
      advice: core.state.advice.slice(-ADVICE_SHOWN).map((a) => a.note),
      model: core.input.options.replannerModel,
      ...(tools ? { tools } : {}),
    };
  }
}

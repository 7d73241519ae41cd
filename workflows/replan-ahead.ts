/**
 * A re-plan asked ahead. When one step runs alone and the run would re-plan as soon as it ends, the step's
 * local activity (executorTurns) is given that re-plan's input, all but the step's own result, and asks the
 * re-planner right after the step's answer: the run saves a round trip per step. The answer is used only if
 * the input the run builds when it does re-plan is exactly the one the activity sent (an edit, a note, a
 * second step finishing, anything that changed meanwhile makes them differ); otherwise the run asks again.
 * Either way the call was made and paid for: its cost is counted when it comes back.
 */
import type { LocalFailure, ReplannerInput, StructuredOutcome, Timed } from './activity-contract';
import type { RunCore } from './run-core';
import type { ReplannerOutput } from './schemas';
import type { PlanStep } from './state';

/** The call made ahead: its answer, or how it failed (used like an answer: only for the same input). */
export type MadeAhead = { outcome: StructuredOutcome<ReplannerOutput> & Timed } | { failure: LocalFailure };

export class ReplanAhead {
  private made: { input: ReplannerInput; result: MadeAhead } | undefined;

  constructor(private readonly core: RunCore) {}

  /** What came of `template` for `step`, which just ended with its result. */
  offer(template: ReplannerInput, step: PlanStep, result: MadeAhead): void {
    const { core } = this;
    if ('outcome' in result) {
      const { outcome } = result;
      core.recordUsage('replanner', core.input.options.replannerModel, outcome.usage, outcome);
    }
    const justFinished = [
      { id: step.id, title: step.title, status: 'done' as const, result: step.result ?? '' },
    ];
    this.made = { input: { ...template, justFinished }, result };
  }

  /** Whether a re-plan made ahead waits to be used (or found stale) by the next decide(). */
  holds(): boolean {
    return this.made !== undefined;
  }

  /** What was made ahead, if it was made for exactly `input`; the slot is emptied either way. */
  take(input: ReplannerInput): MadeAhead | undefined {
    const made = this.made;
    this.made = undefined;
    if (!made) return undefined;
    if (JSON.stringify(made.input) === JSON.stringify(input)) return made.result;
    this.core.event(
      'replan_ahead_unused',
      'The re-plan asked along with the last step was not used: the run changed while the step ran. Asking again.',
    );
    return undefined;
  }
}

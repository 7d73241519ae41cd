/**
 * One Plan-and-Execute run: the Planner maps the goal to steps, a person may approve them, then the
 * scheduler runs ready steps (executor turns and tool calls, each an activity) with the Re-Planner revising
 * the rest of the plan as steps finish, until it answers or a limit is reached. People steer it through
 * the controls; cancellation (by a person or through Temporal) ends it with what was done.
 */
import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  condition,
  isCancellation,
} from '@temporalio/workflow';
import { BudgetStop } from './budget';
import { CallApprovals } from './call-approvals';
import { registerCallApprovalHandlers } from './call-approval-handlers';
import { describeFailure } from './call-failures';
import { Calls } from './calls';
import { restoreState } from './continuation';
import { Controls } from './controls';
import { registerHandlers } from './handlers';
import { createPlan, findPlanProblems } from './plan';
import { Questions } from './questions';
import { Replanner } from './replanner';
import { now, RunCore } from './run-core';
import { Scheduler } from './scheduler';
import type { PlannerOutput, ResolvedRunInput } from './schemas';
import type { RunResult } from './state';
import { ToolGate } from './tool-gate';

export class PlanAndExecuteRun {
  readonly core: RunCore;
  private readonly calls: Calls;
  private readonly questions: Questions;
  private readonly controls: Controls;
  private readonly scheduler: Scheduler;
  private readonly tools: ToolGate;

  constructor(private readonly input: ResolvedRunInput) {
    this.core = new RunCore(input);
    const carried = input.continuation;
    if (carried) restoreState(this.core, carried);
    this.calls = new Calls(this.core);
    this.questions = new Questions(this.core, carried?.questionCount ?? 0);
    this.controls = new Controls(this.core, this.questions, new CancellationScope());
    this.scheduler = new Scheduler(
      this.core,
      this.calls,
      this.questions,
      new Replanner(this.core, this.calls),
      carried,
    );
    this.controls.onChange = () => this.scheduler.wake();
    const approvals = new CallApprovals(this.core);
    this.tools = new ToolGate(this.core, this.calls, approvals);
    // Before the first await, so no early signal or update is lost.
    registerHandlers(this.core, this.controls, this.calls.budget);
    registerCallApprovalHandlers(this.controls, approvals);
  }

  async execute(): Promise<RunResult> {
    const { core, controls } = this;
    try {
      return await controls.scope.run(() => this.main());
    } catch (err) {
      if (err instanceof ContinueAsNew) throw err;
      if (err instanceof BudgetStop) return this.endAtBudget(err);
      if (isCancellation(err)) {
        // Ends in Temporal's Canceled state; the final state (by query) says who cancelled and what was done.
        const request = controls.cancelRequest;
        const who = request
          ? `Cancelled by a person${request.reason ? `: ${request.reason}` : ''}.`
          : 'The workflow was cancelled through Temporal.';
        core.markEnded('cancelled', 'cancelled', `${who} ${core.doneSummary()}`);
        // Temporal refused the cancel request (see Controls.cancel): end with a result instead.
        if (controls.cancelledFromInside) return core.result('cancelled', core.state.endMessage ?? who);
        throw err;
      }
      const message = describeFailure(err);
      core.markEnded('failed', 'error', message);
      throw ApplicationFailure.create({
        message,
        type: 'RunFailed',
        nonRetryable: true,
        cause: err instanceof Error ? err : undefined,
      });
    }
  }

  /**
   * options.onBudgetExhausted "end": the gate refused a call. Calls in flight finish (they are paid for),
   * their results are recorded, then the run ends with what was done.
   */
  private async endAtBudget(stop: BudgetStop): Promise<RunResult> {
    await condition(() => this.calls.budget.callsInFlight === 0);
    await this.calls.settle();
    return this.core.end('budget_exhausted', stop.message);
  }

  private async main(): Promise<RunResult> {
    const { core } = this;
    await this.tools.pin();
    if (this.input.continuation) {
      core.setPhase('executing');
      core.event(
        'continued',
        `Continued as new (${core.state.continuedAsNew}); plan v${core.state.plan.version} carried over.`,
      );
      return this.scheduler.run();
    }
    await this.plan();
    if (this.input.options.requireApproval) {
      const rejected = await this.awaitApproval();
      if (rejected) return rejected;
    }
    core.setPhase('executing');
    return this.scheduler.run();
  }

  private async plan(): Promise<void> {
    const { core } = this;
    const { options } = this.input;
    core.setPhase('planning');
    const value = await this.calls.structured<PlannerOutput>(
      'planner',
      options.plannerModel,
      (activities, correction, attempt) =>
        activities.planner.executeWithOptions({ summary: attempt === 1 ? 'plan' : 'plan (re-ask)' }, [
          {
            goal: this.input.goal,
            ...(this.input.context !== undefined ? { context: this.input.context } : {}),
            model: options.plannerModel,
            idempotencyKey: `${core.keyPrefix}/plan/${attempt}`,
            ...(correction ? { correction } : {}),
            ...(core.state.tools ? { tools: this.tools.offered() } : {}),
          },
        ]),
      (plan) => findPlanProblems(plan.steps, new Set(), new Set()),
    );
    core.setPlan(createPlan(value.steps, 'planner', 'initial plan', now()));
    core.event(
      'planned',
      `Plan v1 with ${value.steps.length} steps: ${value.steps.map((s) => s.id).join(', ')}`,
    );
  }

  /** Waits for approve or reject. Returns the run's result when it ends here, undefined to go on. */
  private async awaitApproval(): Promise<RunResult | undefined> {
    const { core, controls } = this;
    const { approvalTimeoutSeconds, onApprovalTimeout } = this.input.options;
    controls.awaitingApproval = true;
    core.setPhase('awaiting_approval');
    core.event('awaiting_approval', 'Waiting for a person to approve or reject the plan.');
    const decided =
      approvalTimeoutSeconds === undefined
        ? await condition(() => controls.approval !== undefined).then(() => true)
        : await condition(() => controls.approval !== undefined, approvalTimeoutSeconds * 1_000);
    controls.awaitingApproval = false;
    if (!decided) {
      if (onApprovalTimeout === 'approve') {
        controls.approval = { approved: true };
        core.event(
          'approved',
          `No answer within ${approvalTimeoutSeconds} s; approved as options.onApprovalTimeout says.`,
        );
        return undefined;
      }
      return core.end(
        'rejected',
        `No approval within ${approvalTimeoutSeconds} s (options.approvalTimeoutSeconds); the run ended without executing, as options.onApprovalTimeout is "reject".`,
      );
    }
    if (controls.approval && !controls.approval.approved)
      return core.end('rejected', `Rejected by a person: ${controls.approval.reason}`);
    return undefined;
  }
}

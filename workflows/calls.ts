/**
 * How the run calls its activities. Every call waits at the pause gate first. It runs as a local activity
 * (no server round trip; the fast path) unless options.localActivities is off, and a local attempt that
 * fails in a way a retry may fix continues as a regular activity, whose retries the Web UI shows. A model
 * call that failed for good can pause the run instead of failing it, and structured output gets one
 * corrective re-ask.
 */
import { RetryState, type Duration } from '@temporalio/common';
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  TemporalFailure,
} from '@temporalio/workflow';
import type {
  Activities,
  Correction,
  ExecutorInput,
  ExecutorOutput,
  ExecutorTurnsInput,
  ExecutorTurnsOutput,
  LocalFailure,
  StructuredOutcome,
  Timed,
} from './activity-contract';
import { Budget } from './budget';
import { asActivityFailure, checked, describeFailure, retryDelay } from './call-failures';
import { CallRouter, LOCAL_CALL_LIMIT_MS, YIELD_AFTER_LOCAL_MS } from './call-routing';
import type { RunCore } from './run-core';
import type { ModelRole } from './state';
import {
  localModelCallOptions,
  localToolCallOptions,
  MODEL_CALL_FIRST_RETRY,
  modelCallAfterLocalOptions,
  modelCallOptions,
  TOOL_CALL_FIRST_RETRY,
  toolCallAfterLocalOptions,
  toolCallOptions,
} from './timeouts';

type Proxy = ActivityInterfaceFor<Activities>;
type Kind = 'model' | 'tool';

const LOCAL: Record<Kind, Proxy> = {
  model: proxyLocalActivities<Activities>(localModelCallOptions),
  tool: proxyLocalActivities<Activities>(localToolCallOptions),
};
const REMOTE: Record<Kind, Proxy> = {
  model: proxyActivities<Activities>(modelCallOptions),
  tool: proxyActivities<Activities>(toolCallOptions),
};
const AFTER_LOCAL: Record<Kind, Proxy> = {
  model: proxyActivities<Activities>(modelCallAfterLocalOptions),
  tool: proxyActivities<Activities>(toolCallAfterLocalOptions),
};
/** Runs begun before this could have several local activities in flight at once (see takeLocalSlot). */
export const ONE_LOCAL_AT_A_TIME_PATCH = 'one-local-at-a-time';

/** Marks runs whose steps may run several executor turns in one local activity; runs begun before replay without. */
export const EXECUTOR_TURNS_PATCH = 'executor-turns';

const FIRST_RETRY: Record<Kind, Duration> = { model: MODEL_CALL_FIRST_RETRY, tool: TOOL_CALL_FIRST_RETRY };

export class Calls {
  private readonly router: CallRouter;
  private turnsPatched: boolean | undefined;
  private oneLocal: boolean | undefined;
  /** Local activities of the run in flight (see takeLocalSlot). */
  private localCalls = 0;
  /** The budget gate every call passes (see budget.ts). */
  readonly budget: Budget;

  constructor(private readonly core: RunCore) {
    this.router = new CallRouter(core.input.options.localActivities);
    this.budget = new Budget(core);
  }

  /**
   * One call to the activity `name` in `lane`: `call` gets the activity proxy to use and runs the activity
   * with it. Fast lanes run locally (see call-routing.ts); a local attempt that fails in a way a retry may
   * fix continues as a regular activity. Failures come out as ActivityFailure, local or not.
   */
  async invoke<T extends Timed>(
    name: keyof Activities,
    lane: string,
    call: (activities: Proxy, local: boolean) => Promise<T>,
    {
      mayRunLocally = true,
      failedLocally,
    }: {
      /** false: always a regular activity (a tool that reports progress or may take long). */
      mayRunLocally?: boolean;
      /** The call was tried already inside executorTurns and failed so: that was its local attempt. */
      failedLocally?: LocalFailure | undefined;
    } = {},
  ): Promise<T> {
    const kind: Kind = name === 'tool' ? 'tool' : 'model';
    // No await at all for a run without a budget: every call passes here.
    const ticket = this.budget.active ? await this.budget.admit(lane, kind === 'model') : undefined;
    try {
      const result = await this.route(name, kind, lane, call, mayRunLocally, failedLocally);
      this.budget.settle(ticket, result);
      return result;
    } catch (err) {
      this.budget.release(ticket);
      throw err;
    }
  }

  private async route<T extends Timed>(
    name: keyof Activities,
    kind: Kind,
    lane: string,
    call: (activities: Proxy, local: boolean) => Promise<T>,
    mayRunLocally: boolean,
    failedLocally: LocalFailure | undefined,
  ): Promise<T> {
    // A call that failed inside executorTurns had its local attempt there: it goes on as after a local one.
    if (!failedLocally && (!mayRunLocally || !this.takeLocalSlot(lane))) {
      return this.observed(lane, false, await call(REMOTE[kind], false));
    }
    try {
      let result: T;
      if (failedLocally) throw asActivityFailure(name, failedLocally);
      try {
        if (this.router.yieldDue()) await this.router.settle();
        result = await call(LOCAL[kind], true);
      } finally {
        this.localCalls -= 1;
      }
      return this.observed(lane, true, result);
    } catch (err) {
      if (!(err instanceof TemporalFailure) || isCancellation(err)) throw err;
      this.router.failed(lane);
      const cause = err instanceof ActivityFailure ? err.cause : err;
      if (cause instanceof ApplicationFailure && cause.nonRetryable) {
        throw new ActivityFailure(
          err.message,
          name,
          undefined,
          RetryState.NON_RETRYABLE_FAILURE,
          undefined,
          cause,
        );
      }
      await sleep(retryDelay(cause) ?? FIRST_RETRY[kind]);
      const result = this.observed(lane, false, await call(AFTER_LOCAL[kind], false));
      // The failed local attempt came first: the regular activity's attempts count from 1 again.
      return { ...result, attempt: (result.attempt ?? 1) + 1 };
    }
  }

  /**
   * The step's next executor turns: when the executor's lane answered fast last time, several turns and the
   * quick tool calls the run allows without a person, in one local activity (activities/executor-turns.ts);
   * when that attempt fails, the one next turn as a regular activity, with its retries (the failed attempt's
   * completed calls are stored and not made again). Not when the run has a budget (each call is admitted on
   * its own), the lane is slow, or the run began before this existed: the step then goes turn by turn. Checked
   * without an await, so runs that go turn by turn make their commands in the order they always did.
   */
  mayBatchTurns(): boolean {
    if (this.budget.active || !this.router.local('executor')) return false;
    // Runs begun before replay turn by turn; the marker goes in with the first batch of a new run.
    this.turnsPatched ??= patched(EXECUTOR_TURNS_PATCH);
    return this.turnsPatched;
  }

  /** Whether calls of `lane` run locally now (it answered fast last time): a re-plan is asked ahead only then. */
  fastLane(lane: string): boolean {
    return this.router.local(lane);
  }

  /** A re-plan asked ahead came back: its time is the re-planner lane's. */
  observeAhead(elapsedMs: number): void {
    this.router.observeInside('replanner', elapsedMs);
  }

  /** The next turns of a step, when mayBatchTurns said so. */
  async executorTurns(
    /** Both read after the pause gate, so a note added while the run was paused reaches the turns. */
    turns: () => Omit<ExecutorTurnsInput, 'stopAfterMs' | 'slowCallMs'>,
    oneTurn: () => ExecutorInput,
    /** The next turn failed so at the end of the last executorTurns: that was its local attempt. */
    failedLocally?: LocalFailure,
  ): Promise<ExecutorTurnsOutput> {
    const output = await this.model<(ExecutorOutput & Timed) | ExecutorTurnsOutput>(
      'executor',
      (activities, local) => {
        if (!local) {
          const input = oneTurn();
          return activities.executor.executeWithOptions(
            { summary: `execute ${input.step.id}, turn ${input.turn}` },
            [input],
          );
        }
        const input = turns();
        return activities.executorTurns.executeWithOptions(
          { summary: `execute ${input.base.step.id}, from turn ${input.firstTurn}` },
          [{ ...input, stopAfterMs: YIELD_AFTER_LOCAL_MS, slowCallMs: LOCAL_CALL_LIMIT_MS }],
        );
      },
      failedLocally,
    );
    if ('turns' in output) return output;
    return { turns: [{ output, results: [] }], slowestCallMs: output.elapsedMs, elapsedMs: output.elapsedMs };
  }

  /**
   * Whether a call of `lane` runs locally now, taking the run's local slot if so. At most one local
   * activity is in flight per run: results of local activities that end while the same workflow task is
   * open reach the workflow one by one as they end, but together on replay, and what the run does in
   * between (the search attributes it upserts) must not depend on that. Runs begun before the rule replay
   * without it.
   */
  private takeLocalSlot(lane: string): boolean {
    if (!this.router.local(lane)) return false;
    if (this.localCalls > 0) {
      this.oneLocal ??= patched(ONE_LOCAL_AT_A_TIME_PATCH);
      if (this.oneLocal) return false;
    }
    this.localCalls += 1;
    return true;
  }

  /** Make sure every call's result so far is recorded in history (see CallRouter.settle). */
  settle(): Promise<void> {
    return this.router.settle();
  }

  private observed<T extends Timed & { slowestCallMs?: number }>(lane: string, local: boolean, result: T): T {
    this.router.observe(lane, result.elapsedMs, local, result.slowestCallMs);
    return result;
  }

  /**
   * A model call behind the pause gate. With options.onModelFailure "pause", a call that failed for good
   * (rejected, or out of retries) pauses the run with the reason; resume retries it.
   */
  async model<T extends Timed>(
    name: 'planner' | 'executor' | 'replanner',
    call: (activities: Proxy, local: boolean) => Promise<T>,
    failedLocally?: LocalFailure,
  ): Promise<T> {
    let failed = failedLocally;
    for (;;) {
      const gate = this.core.checkpoint();
      if (gate) await gate;
      try {
        const tried = failed;
        failed = undefined;
        return await this.invoke(name, name, call, { failedLocally: tried });
      } catch (err) {
        if (
          this.core.input.options.onModelFailure !== 'pause' ||
          !(err instanceof ActivityFailure) ||
          isCancellation(err)
        ) {
          throw err;
        }
        this.core.state.paused = true;
        this.core.event(
          'model_failed',
          `Paused: ${describeFailure(err)}. Fix the cause, then resume to retry the call.`,
        );
        this.core.refreshStatus();
      }
    }
  }

  /**
   * One call, and on invalid output (by the schema in the activity, or by `check` here) one corrective
   * re-ask that carries the problems; then a typed failure.
   */
  async structured<T>(
    role: Exclude<ModelRole, 'executor'>,
    model: string,
    call: (
      activities: Proxy,
      correction: Correction | undefined,
      attempt: number,
    ) => Promise<StructuredOutcome<T> & Timed>,
    check: (value: T) => string[] = () => [],
    /**
     * The first call, made already (a re-plan asked ahead): its answer (its cost counted then), or how it
     * failed (as a failed local attempt: retried as a regular activity, unless it may not be).
     */
    made?: { outcome: StructuredOutcome<T> & Timed } | { failure: LocalFailure },
  ): Promise<T> {
    const name = role === 'planner' ? 'planner' : 'replanner';
    const answered = made && 'outcome' in made ? made.outcome : undefined;
    const failure = made && 'failure' in made ? made.failure : undefined;
    const first = checked(answered ?? (await this.model(name, (a) => call(a, undefined, 1), failure)), check);
    if (!answered) this.core.recordUsage(role, model, first.usage, first);
    if (first.valid) return first.value;
    this.core.event('invalid_output', `${role} output was invalid, re-asking: ${first.problems}`);
    const correction = { previousOutput: first.rawOutput, problems: first.problems };
    const second = checked(await this.model(name, (a) => call(a, correction, 2)), check);
    this.core.recordUsage(role, model, second.usage, { ...second, reask: true });
    if (second.valid) return second.value;
    throw ApplicationFailure.create({
      message: `The ${role} (${model}) returned invalid output twice. First: ${first.problems}. After the re-ask: ${second.problems}`,
      type: role === 'planner' ? 'InvalidPlannerOutput' : 'InvalidReplannerOutput',
      nonRetryable: true,
    });
  }
}

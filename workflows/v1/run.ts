// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
import { RetryState } from '@temporalio/common';
import {
  ActivityFailure,
  allHandlersFinished,
  ContinueAsNew,
  continueAsNew,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  Activities,
  ChatMessage,
  Correction,
  StructuredOutcome,
  ToolCall,
  ToolResult,
} from './activity-types';
import type { z } from 'zod';
import type { ControlAck, EditPlanSchema, PlanView } from './messages';
import { ASK_HUMAN_TOOL, AskHumanInputSchema } from './messages';
import type { runV1 } from './planAndExecute';
import {
  createPlan,
  describeRevision,
  findPlanProblems,
  finishedIds,
  pendingSteps,
  readySteps,
  replaceRemaining,
  updateStep,
} from './plan';
import { applyPlanEdits, PlanEditError } from './plan-edits';
import { pendingPinnedDrafts, protectHumanEdits } from './pinning';
import type { PlannerOutput, ReplannerOutput, ResolvedRunInput, StepDraft } from './schemas';
import type { EndReason, ModelRole, PlanStep, RunResult, RunState, RunStatus, TokenUsage } from './state';
import { ENDED_STATUSES, initialState } from './state';
import {
  MODEL_CALL_MAX_ATTEMPTS,
  modelCallOptions,
  TOOL_CALL_MAX_ATTEMPTS,
  toolCallOptions,
} from './timeouts';
import { compactTranscript } from './transcript';
import { addUsage, totalTokens } from './usage';

const models = proxyActivities<Activities>(modelCallOptions);
const tools = proxyActivities<Activities>(toolCallOptions);

const MAX_EVENTS = 500;
const MAX_RESULT_CHARS = 4_000;

type Phase = Exclude<RunStatus, 'paused' | 'waiting_for_human' | 'completed' | 'failed' | 'cancelled'>;

/**
 * One Plan-and-Execute run: the Planner maps the goal to steps, the Executor runs ready steps (a model turn
 * and each tool call are separate activities), the Re-Planner revises the remaining plan after every batch
 * or finishes with an answer. People steer it through the control methods below, which the message
 * handlers call after validating the payload.
 */
export class PlanAndExecuteRun {
  readonly state: RunState;
  /**
   * Prefix of every idempotency key: the workflow id and its first run's id, the same on every retry and
   * across continue-as-new, and different for a new run that reuses the workflow id.
   */
  private readonly keyPrefix = `${workflowInfo().workflowId}@${workflowInfo().firstExecutionRunId}`;
  private readonly scope = new CancellationScope();
  private phase: Phase = 'planning';
  private approval?: { approved: true } | { approved: false; reason: string };
  private cancelRequest?: { reason?: string };
  private readonly answers = new Map<string, string>();
  private questionCount = 0;

  /** Steps executed when this run (this link of the continue-as-new chain) began. */
  private readonly stepsAtStart: number;

  constructor(private readonly input: ResolvedRunInput) {
    this.state = initialState(input, now());
    const carried = input.continuation;
    if (carried) {
      const { questionCount, ...state } = carried;
      Object.assign(this.state, state);
      this.questionCount = questionCount;
    }
    this.stepsAtStart = this.state.stepsExecuted;
  }

  async execute(): Promise<RunResult> {
    try {
      return await this.scope.run(() => this.main());
    } catch (err) {
      if (err instanceof ContinueAsNew) throw err;
      if (isCancellation(err)) {
        if (this.cancelRequest) {
          const why = this.cancelRequest.reason ? `: ${this.cancelRequest.reason}` : '';
          return this.end('cancelled', `Cancelled by a person${why}. ${this.doneSummary()}`, 'cancelled');
        }
        this.markEnded(
          'cancelled',
          'cancelled',
          `The workflow was cancelled through Temporal. ${this.doneSummary()}`,
        );
        throw err;
      }
      const message = describeFailure(err);
      this.markEnded('failed', 'error', message);
      throw ApplicationFailure.create({
        message,
        type: 'RunFailed',
        nonRetryable: true,
        cause: asError(err),
      });
    }
  }

  // ---- the run ------------------------------------------------------------------------------------

  private async main(): Promise<RunResult> {
    if (this.input.continuation) {
      this.setPhase('executing');
      this.event(
        'continued',
        `Continued as new (${this.state.continuedAsNew}); plan v${this.state.plan.version} carried over.`,
      );
      return this.loop();
    }
    await this.plan();
    if (this.input.options.requireApproval) {
      const rejected = await this.awaitApproval();
      if (rejected) return rejected;
    }
    return this.loop();
  }

  private async plan(): Promise<void> {
    this.setPhase('planning');
    const { options } = this.input;
    const value = await this.structuredWithReask<PlannerOutput>(
      'planner',
      options.plannerModel,
      (correction, attempt) =>
        this.modelCall(() =>
          models.planGoal.executeWithOptions({ summary: attempt === 1 ? 'plan' : 'plan (re-ask)' }, [
            {
              goal: this.input.goal,
              ...(this.input.context !== undefined ? { context: this.input.context } : {}),
              model: options.plannerModel,
              idempotencyKey: `${this.keyPrefix}/plan/${attempt}`,
              ...(correction ? { correction } : {}),
            },
          ]),
        ),
    );
    this.state.plan = createPlan(value.steps, 'planner', 'initial plan', now());
    this.event(
      'planned',
      `Plan v1 with ${value.steps.length} steps: ${value.steps.map((s) => s.id).join(', ')}`,
    );
  }

  /** Waits for approve or reject. Returns the run's result when it ends here, undefined to go on. */
  private async awaitApproval(): Promise<RunResult | undefined> {
    const { approvalTimeoutSeconds, onApprovalTimeout } = this.input.options;
    this.setPhase('awaiting_approval');
    this.event('awaiting_approval', 'Waiting for a person to approve or reject the plan.');
    const decided =
      approvalTimeoutSeconds === undefined
        ? await condition(() => this.approval !== undefined).then(() => true)
        : await condition(() => this.approval !== undefined, approvalTimeoutSeconds * 1_000);
    if (!decided) {
      if (onApprovalTimeout === 'approve') {
        this.approval = { approved: true };
        this.event(
          'approved',
          `No answer within ${approvalTimeoutSeconds} s; approved as options.onApprovalTimeout says.`,
        );
        return undefined;
      }
      return this.end(
        'rejected',
        `No approval within ${approvalTimeoutSeconds} s (options.approvalTimeoutSeconds); the run ended without executing, as options.onApprovalTimeout is "reject".`,
      );
    }
    if (this.approval && !this.approval.approved)
      return this.end('rejected', `Rejected by a person: ${this.approval.reason}`);
    return undefined;
  }

  private async loop(): Promise<RunResult> {
    const { options } = this.input;
    for (;;) {
      const budget = options.maxSteps - this.state.stepsExecuted;
      await this.checkpoint();
      if (this.shouldContinueAsNew()) await this.continueAsNew();
      const ready = readySteps(this.state.plan);
      if (ready.length > 0 && budget <= 0) {
        return this.end(
          'max_steps',
          `Stopped after ${this.state.stepsExecuted} steps: options.maxSteps (${options.maxSteps}) was reached with ${pendingSteps(this.state.plan).length} steps still pending. Raise maxSteps to let the run go further.`,
        );
      }
      const batch = ready.slice(0, Math.min(options.maxParallelSteps, budget));
      if (batch.length > 0) {
        this.setPhase('executing');
        await Promise.all(batch.map((step) => this.executeStep(step)));
        this.state.stepsExecuted += batch.length;
      }

      if (this.state.replans >= options.maxReplans) {
        return this.end(
          'max_replans',
          `Stopped after ${this.state.replans} re-plans: options.maxReplans (${options.maxReplans}) was reached before the re-planner finished. Raise maxReplans to let the run go further.`,
        );
      }
      const decision = await this.replan(batch.map((s) => s.id));
      let proposed: StepDraft[];
      if (decision.action === 'finish') {
        const pinnedLeft = pendingPinnedDrafts(this.state.plan, this.state.pinnedStepIds);
        if (pinnedLeft.length === 0) {
          this.state.answer = decision.answer;
          return this.end('answered', decision.reason);
        }
        this.event(
          'pinned_kept',
          `The re-planner wanted to finish, but steps a person added or changed are still pending (${pinnedLeft.map((d) => d.id).join(', ')}); running them first.`,
        );
        proposed = pinnedLeft;
      } else {
        proposed = decision.remainingSteps;
      }
      this.applyReplan(proposed, decision.reason);
    }
  }

  private applyReplan(proposed: StepDraft[], reason: string): void {
    const { steps, notes } = protectHumanEdits(
      this.state.plan,
      proposed,
      this.state.pinnedStepIds,
      this.state.humanRemovedStepIds,
    );
    for (const note of notes) this.event('pinned_kept', note);
    const { done, taken } = finishedIds(this.state.plan);
    const problems = findPlanProblems(steps, done, taken);
    if (problems.length > 0) {
      this.event(
        'replan_not_applied',
        `The re-planner's revision could not be merged with people's edits: ${problems.join('; ')}; plan kept.`,
      );
      return;
    }
    this.state.plan = replaceRemaining(this.state.plan, steps, 'replanner', reason, now());
    const revision = this.state.plan.revisions.at(-1);
    this.event('replanned', `Plan v${this.state.plan.version}: ${reason} (${describeRevision(revision)})`);
  }

  private async replan(justRan: string[]): Promise<ReplannerOutput> {
    this.setPhase('replanning');
    const { options } = this.input;
    const replanNumber = this.state.replans + 1;
    const decision = await this.structuredWithReask<ReplannerOutput>(
      'replanner',
      options.replannerModel,
      (correction, attempt) =>
        this.modelCall(() =>
          models.replan.executeWithOptions(
            { summary: `re-plan ${replanNumber}${attempt > 1 ? ' (re-ask)' : ''}` },
            [
              {
                goal: this.input.goal,
                ...(this.input.context !== undefined ? { context: this.input.context } : {}),
                plan: this.state.plan,
                justRan,
                stepsLeftInBudget: options.maxSteps - this.state.stepsExecuted,
                pinned: pendingPinnedDrafts(this.state.plan, this.state.pinnedStepIds).map((d) => d.id),
                advice: this.state.advice.map((a) => a.note),
                model: options.replannerModel,
                idempotencyKey: `${this.keyPrefix}/replan-${replanNumber}/${attempt}`,
                ...(correction ? { correction } : {}),
              },
            ],
          ),
        ),
    );
    this.state.replans = replanNumber;
    return decision;
  }

  /** One call, and on invalid output one corrective re-ask that carries the problems; then a typed failure. */
  private async structuredWithReask<T>(
    role: Exclude<ModelRole, 'executor'>,
    model: string,
    call: (correction: Correction | undefined, attempt: number) => Promise<StructuredOutcome<T>>,
  ): Promise<T> {
    const first = await call(undefined, 1);
    this.recordUsage(role, model, first.usage);
    if (first.valid) return first.value;
    this.event('invalid_output', `${role} output was invalid, re-asking: ${first.problems}`);
    const second = await call({ previousOutput: first.rawOutput, problems: first.problems }, 2);
    this.recordUsage(role, model, second.usage);
    if (second.valid) return second.value;
    throw ApplicationFailure.create({
      message: `The ${role} (${model}) returned invalid output twice. First: ${first.problems}. After the re-ask: ${second.problems}`,
      type: role === 'planner' ? 'InvalidPlannerOutput' : 'InvalidReplannerOutput',
      nonRetryable: true,
    });
  }

  private async executeStep(step: PlanStep): Promise<void> {
    const { options } = this.input;
    this.patchStep(step.id, { status: 'running' });
    this.state.runningStepIds = [...this.state.runningStepIds, step.id];
    this.event('step_started', `Step ${step.id} started: ${step.title}`, step.id);
    const dependencies = step.dependsOn.map((id) => {
      const dep = this.state.plan.steps.find((s) => s.id === id);
      return { id, title: dep?.title ?? id, result: dep?.result ?? '' };
    });
    const transcript: ChatMessage[] = [];
    try {
      for (let turn = 1; turn <= options.maxTurnsPerStep; turn++) {
        const output = await this.modelCall(() =>
          models.executorTurn.executeWithOptions({ summary: `execute ${step.id}, turn ${turn}` }, [
            {
              goal: this.input.goal,
              step: { id: step.id, title: step.title, instructions: step.instructions },
              dependencies,
              transcript: compactTranscript(transcript),
              advice: this.state.advice.map((a) => a.note),
              model: options.executorModel,
              turn,
              maxTurns: options.maxTurnsPerStep,
              idempotencyKey: `${this.keyPrefix}/step-${step.id}/turn-${turn}`,
            },
          ]),
        );
        this.recordUsage('executor', options.executorModel, output.usage);
        this.patchStep(step.id, { turns: turn });
        if (output.toolCalls.length === 0) {
          const summary = truncate(output.text.trim() || '(the executor gave no summary)');
          this.patchStep(step.id, { status: 'done', result: summary });
          this.event('step_done', `Step ${step.id} done: ${truncate(summary, 200)}`, step.id);
          return;
        }
        transcript.push({ role: 'assistant', text: output.text, toolCalls: output.toolCalls });
        const results: ToolResult[] = [];
        for (const [index, call] of output.toolCalls.entries()) {
          await this.checkpoint();
          const result =
            call.name === ASK_HUMAN_TOOL
              ? await this.askHuman(step.id, call)
              : await tools.runTool.executeWithOptions({ summary: `${call.name} for ${step.id}` }, [
                  {
                    call,
                    stepId: step.id,
                    idempotencyKey: `${this.keyPrefix}/step-${step.id}/turn-${turn}/call-${index}`,
                  },
                ]);
          results.push(result);
          if (call.name !== ASK_HUMAN_TOOL) {
            this.event(
              result.isError ? 'tool_error' : 'tool_call',
              `${call.name} ${result.isError ? 'refused' : 'ran'}: ${truncate(result.content, 200)}`,
              step.id,
            );
          }
        }
        transcript.push({ role: 'tool', results });
      }
      const message = `Ran out of turns: ${options.maxTurnsPerStep} executor turns (options.maxTurnsPerStep) without a final summary.`;
      this.patchStep(step.id, { status: 'failed', result: message });
      this.event('step_failed', `Step ${step.id} failed: ${message}`, step.id);
    } finally {
      this.state.runningStepIds = this.state.runningStepIds.filter((id) => id !== step.id);
      this.refreshStatus();
    }
  }

  /** ask_human: the question waits, durably, in the workflow; the answer goes back as the tool result. */
  private async askHuman(stepId: string, call: ToolCall): Promise<ToolResult> {
    const parsed = AskHumanInputSchema.safeParse(call.input);
    if (!parsed.success) {
      return {
        toolCallId: call.id,
        isError: true,
        content: `${ASK_HUMAN_TOOL} needs {"question": "..."}: ${parsed.error.issues[0]?.message ?? 'invalid input'}`,
      };
    }
    // One question at a time: a parallel step that also asks waits its turn.
    await condition(() => this.state.pendingQuestion === undefined);
    const id = `q${++this.questionCount}`;
    this.state.pendingQuestion = { id, stepId, question: parsed.data.question, askedAt: now() };
    this.event('question_asked', `Step ${stepId} asks (${id}): ${parsed.data.question}`, stepId);
    this.refreshStatus();
    const timeout = this.input.options.questionTimeoutSeconds;
    const answered =
      timeout === undefined
        ? await condition(() => this.answers.has(id)).then(() => true)
        : await condition(() => this.answers.has(id), timeout * 1_000);
    this.state.pendingQuestion = undefined;
    this.refreshStatus();
    if (!answered) {
      this.event('question_timed_out', `No answer to ${id} within ${timeout} s.`, stepId);
      return {
        toolCallId: call.id,
        isError: true,
        content: `No answer within ${timeout} s. Go on with your best judgement and say what you assumed.`,
      };
    }
    return {
      toolCallId: call.id,
      isError: false,
      content: `A person answered: ${this.answers.get(id) ?? ''}`,
    };
  }

  private shouldContinueAsNew(): boolean {
    const after = this.input.options.continueAsNewAfterSteps;
    const stepsThisRun = this.state.stepsExecuted - this.stepsAtStart;
    if (stepsThisRun === 0) return false; // always make progress before handing over
    return workflowInfo().continueAsNewSuggested || (after !== undefined && stepsThisRun >= after);
  }

  /**
   * Hand the whole state to a fresh run with a short history. Only called between batches: no step runs,
   * no question or approval is pending. Handlers are drained first so no update is cut off.
   */
  private async continueAsNew(): Promise<never> {
    const next = this.state.continuedAsNew + 1;
    this.event(
      'continuing_as_new',
      `History is long (${workflowInfo().historyLength} events); continuing as new (${next}).`,
    );
    await condition(allHandlersFinished);
    const s = this.state;
    return continueAsNew<typeof runV1>({
      goal: this.input.goal,
      ...(this.input.context !== undefined ? { context: this.input.context } : {}),
      options: this.input.options,
      continuation: {
        plan: s.plan,
        stepsExecuted: s.stepsExecuted,
        replans: s.replans,
        usage: s.usage,
        events: s.events,
        eventsTotal: s.eventsTotal,
        advice: s.advice,
        pinnedStepIds: s.pinnedStepIds,
        humanRemovedStepIds: s.humanRemovedStepIds,
        paused: s.paused,
        questionCount: this.questionCount,
        startedAt: s.startedAt,
        continuedAsNew: next,
      },
    });
  }

  /**
   * A model call behind the pause gate. With options.onModelFailure "pause", a call that failed for good
   * (rejected, or out of retries) pauses the run with the reason; resume retries it.
   */
  private async modelCall<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      await this.checkpoint();
      try {
        return await call();
      } catch (err) {
        if (
          this.input.options.onModelFailure !== 'pause' ||
          !(err instanceof ActivityFailure) ||
          isCancellation(err)
        ) {
          throw err;
        }
        this.state.paused = true;
        this.event(
          'model_failed',
          `Paused: ${describeFailure(err)}. Fix the cause, then resume to retry the call.`,
        );
        this.refreshStatus();
      }
    }
  }

  /** Where pause takes effect: before each model or tool call. The call in flight finishes first. */
  private async checkpoint(): Promise<void> {
    if (this.state.paused) await condition(() => !this.state.paused);
  }

  // ---- controls (called by the message handlers after the payload parsed) ----------------------------

  checkCanEdit(ops: z.output<typeof EditPlanSchema>['ops']): void {
    this.checkNotEnded();
    if (this.state.plan.version === 0)
      throw new PlanEditError('there is no plan yet: the planner is still working; try again in a moment');
    applyPlanEdits(this.state.plan, ops, 'check', now());
  }

  editPlan(ops: z.output<typeof EditPlanSchema>['ops'], reason: string | undefined): ControlAck {
    const outcome = applyPlanEdits(this.state.plan, ops, reason ?? 'edited by a person', now());
    this.state.plan = outcome.plan;
    this.state.pinnedStepIds = [...new Set([...this.state.pinnedStepIds, ...outcome.touched])].filter(
      (id) => !outcome.removed.includes(id),
    );
    this.state.humanRemovedStepIds = [...new Set([...this.state.humanRemovedStepIds, ...outcome.removed])];
    const revision = this.state.plan.revisions.at(-1);
    this.event(
      'plan_edited',
      `Plan v${this.state.plan.version} by a person: ${revision?.reason ?? ''} (${describeRevision(revision)})`,
    );
    this.refreshStatus();
    return this.ack(`plan is now version ${this.state.plan.version}`);
  }

  checkAwaitingApproval(): void {
    if (this.phase !== 'awaiting_approval' || this.approval !== undefined || this.ended()) {
      throw new PlanEditError(`the run is not waiting for approval (status: ${this.state.status})`);
    }
  }

  approve(ops: z.output<typeof EditPlanSchema>['ops'] | undefined, reason: string | undefined): ControlAck {
    if (ops && ops.length > 0) this.editPlan(ops, reason ?? 'edited on approval');
    this.approval = { approved: true };
    this.event('approved', `Plan v${this.state.plan.version} approved${reason ? `: ${reason}` : ''}.`);
    return this.ack('approved');
  }

  reject(reason: string): ControlAck {
    this.approval = { approved: false, reason };
    this.event('rejected', `Plan rejected: ${reason}`);
    return this.ack('rejected');
  }

  checkCanPause(): void {
    this.checkNotEnded();
    if (this.state.paused) throw new PlanEditError('the run is already paused');
  }

  pause(reason: string | undefined): ControlAck {
    this.state.paused = true;
    this.event(
      'paused',
      `Paused${reason ? `: ${reason}` : ''}; no new model or tool call starts until resume.`,
    );
    this.refreshStatus();
    return this.ack('paused');
  }

  checkCanResume(): void {
    this.checkNotEnded();
    if (!this.state.paused) throw new PlanEditError('the run is not paused');
  }

  resume(): ControlAck {
    this.state.paused = false;
    this.event('resumed', 'Resumed.');
    this.refreshStatus();
    return this.ack('resumed');
  }

  checkCanCancel(): void {
    this.checkNotEnded();
    if (this.cancelRequest) throw new PlanEditError('the run is already being cancelled');
  }

  cancel(reason: string | undefined): ControlAck {
    this.cancelRequest = reason !== undefined ? { reason } : {};
    this.event('cancel_requested', `Cancel requested${reason ? `: ${reason}` : ''}.`);
    this.scope.cancel();
    return this.ack('cancelling');
  }

  checkNotEnded(): void {
    if (this.ended()) throw new PlanEditError(`the run has ended (status: ${this.state.status})`);
  }

  advise(note: string): ControlAck {
    this.state.advice.push({ at: now(), note });
    this.event('advice', `A person advises: ${note}`);
    return this.ack('noted');
  }

  checkCanAnswer(questionId: string | undefined): void {
    this.checkNotEnded();
    const pending = this.state.pendingQuestion;
    if (!pending) throw new PlanEditError('no question is waiting for an answer');
    if (questionId !== undefined && questionId !== pending.id) {
      throw new PlanEditError(
        `question "${questionId}" is not the one waiting; the pending question is "${pending.id}"`,
      );
    }
  }

  answer(answer: string): ControlAck {
    const pending = this.state.pendingQuestion;
    if (pending) {
      this.answers.set(pending.id, answer);
      this.event('question_answered', `Answer to ${pending.id}: ${truncate(answer, 200)}`, pending.stepId);
    }
    return this.ack('answered');
  }

  recordRejectedSignal(name: string, message: string): void {
    this.event('signal_rejected', `${name} signal rejected: ${message}`);
  }

  planView(): PlanView {
    return {
      status: this.state.status,
      version: this.state.plan.version,
      steps: this.state.plan.steps.map((s) => ({
        id: s.id,
        title: s.title,
        status: s.status,
        dependsOn: s.dependsOn,
        pinned: this.state.pinnedStepIds.includes(s.id),
      })),
      ...(this.state.pendingQuestion
        ? {
            pendingQuestion: {
              id: this.state.pendingQuestion.id,
              stepId: this.state.pendingQuestion.stepId,
              question: this.state.pendingQuestion.question,
            },
          }
        : {}),
    };
  }

  // ---- bookkeeping ----------------------------------------------------------------------------------

  private ack(message: string): ControlAck {
    return { planVersion: this.state.plan.version, status: this.state.status, message };
  }

  private ended(): boolean {
    return ENDED_STATUSES.includes(this.state.status);
  }

  private end(
    reason: Exclude<EndReason, 'error'>,
    message: string,
    status: 'completed' | 'cancelled' = 'completed',
  ): RunResult {
    this.markEnded(status, reason, message);
    return {
      endReason: reason,
      answer: reason === 'answered' ? (this.state.answer ?? '') : null,
      message,
      plan: this.state.plan,
      usage: this.state.usage,
      stepsExecuted: this.state.stepsExecuted,
      replans: this.state.replans,
    };
  }

  private markEnded(status: 'completed' | 'failed' | 'cancelled', reason: EndReason, message: string): void {
    this.state.endReason = reason;
    this.state.endMessage = message;
    this.state.pendingQuestion = undefined;
    for (const step of this.state.plan.steps.filter((s) => s.status === 'running')) {
      this.patchStep(step.id, {
        status: 'failed',
        result: `Interrupted: the run ended (${reason}) while this step ran.`,
      });
    }
    this.state.runningStepIds = [];
    this.state.status = status;
    this.state.updatedAt = now();
    this.event(
      status === 'completed' ? 'run_completed' : status === 'failed' ? 'run_failed' : 'run_cancelled',
      `${reason}: ${message}`,
    );
    this.refreshDetails();
  }

  private doneSummary(): string {
    const done = this.state.plan.steps.filter((s) => s.status === 'done').map((s) => s.id);
    return done.length > 0 ? `Steps done before that: ${done.join(', ')}.` : 'No step had finished.';
  }

  private recordUsage(role: ModelRole, model: string, usage: TokenUsage): void {
    this.state.usage = addUsage(this.state.usage, role, model, usage);
  }

  private patchStep(id: string, patch: Parameters<typeof updateStep>[2]): void {
    this.state.plan = updateStep(this.state.plan, id, patch);
    this.state.updatedAt = now();
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    this.refreshStatus();
  }

  /** Status shown to people: paused or waiting for an answer outrank the phase the run is in. */
  private refreshStatus(): void {
    if (this.ended()) return;
    this.state.status = this.state.paused
      ? 'paused'
      : this.state.pendingQuestion
        ? 'waiting_for_human'
        : this.phase;
    this.state.updatedAt = now();
    this.refreshDetails();
  }

  private event(kind: string, message: string, stepId?: string): void {
    this.state.eventsTotal += 1;
    this.state.events.push({
      seq: this.state.eventsTotal,
      at: now(),
      kind,
      message,
      ...(stepId !== undefined ? { stepId } : {}),
    });
    if (this.state.events.length > MAX_EVENTS)
      this.state.events.splice(0, this.state.events.length - MAX_EVENTS);
  }

  /** The markdown shown as "current details" on the run's page in the Temporal Web UI. */
  private refreshDetails(): void {
    const { plan } = this.state;
    const done = plan.steps.filter((s) => s.status === 'done').length;
    const tokens = totalTokens(this.state.usage);
    const lines = [
      `**${this.state.status}** · plan v${plan.version} · ${done}/${plan.steps.length} steps done · ${tokens.inputTokens + tokens.outputTokens} tokens`,
    ];
    if (this.state.pendingQuestion)
      lines.push(
        '',
        `**Question (${this.state.pendingQuestion.id}):** ${this.state.pendingQuestion.question}`,
      );
    lines.push(
      '',
      ...plan.steps.map(
        (s) =>
          `- \`${s.status}\` **${s.id}** ${s.title}${this.state.pinnedStepIds.includes(s.id) ? ' 📌' : ''}`,
      ),
    );
    setCurrentDetails(lines.join('\n'));
  }
}

function now(): string {
  // Date in workflow code is Temporal's deterministic clock, replayed from history.
  return new Date().toISOString();
}

function truncate(text: string, max = MAX_RESULT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function describeFailure(err: unknown): string {
  if (err instanceof ActivityFailure) {
    const attempts =
      err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED
        ? ` after ${err.activityType === 'runTool' ? TOOL_CALL_MAX_ATTEMPTS : MODEL_CALL_MAX_ATTEMPTS} attempts`
        : '';
    return `${err.activityType ?? 'activity'} failed${attempts}: ${err.cause?.message ?? err.message}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

function asError(err: unknown): Error | undefined {
  return err instanceof Error ? err : undefined;
}

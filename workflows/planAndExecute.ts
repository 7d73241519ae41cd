import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, ChatMessage, Correction, StructuredOutcome, ToolResult } from '../activities';
import { getStateQuery } from './messages';
import { createPlan, pendingSteps, readySteps, replaceRemaining, updateStep } from './plan';
import type { PlannerOutput, ReplannerOutput, ResolvedRunInput } from './schemas';
import { describeZodError, RunInputSchema } from './schemas';
import type { EndReason, ModelRole, PlanStep, RunResult, RunState, TokenUsage } from './state';
import { initialState } from './state';
import { modelCallOptions, toolCallOptions } from './timeouts';
import { addUsage, totalTokens } from './usage';

const models = proxyActivities<Activities>(modelCallOptions);
const tools = proxyActivities<Activities>(toolCallOptions);

const MAX_EVENTS = 500;
const MAX_RESULT_CHARS = 4_000;

/**
 * Plan-and-Execute: the Planner maps the goal to steps, the Executor runs ready steps (a model turn and
 * each tool call are separate activities), the Re-Planner revises the remaining plan after every batch or
 * finishes with an answer. All of it is recorded in history, so a crashed worker resumes without paying
 * again for completed calls.
 */
export async function planAndExecute(rawInput: unknown): Promise<RunResult> {
  const parsed = RunInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw ApplicationFailure.create({
      message: `Invalid workflow input: ${describeZodError(parsed.error)}`,
      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
  const run = new PlanAndExecuteRun(parsed.data);
  setHandler(getStateQuery, () => run.state);
  return run.execute();
}

class PlanAndExecuteRun {
  readonly state: RunState;
  private readonly workflowId = workflowInfo().workflowId;

  constructor(private readonly input: ResolvedRunInput) {
    this.state = initialState(input, now());
  }

  async execute(): Promise<RunResult> {
    try {
      await this.plan();
      return await this.loop();
    } catch (err) {
      const message = describeFailure(err);
      this.state.status = 'failed';
      this.state.endReason = 'error';
      this.state.endMessage = message;
      this.event('run_failed', message);
      throw ApplicationFailure.create({
        message,
        type: 'RunFailed',
        nonRetryable: true,
        cause: asError(err),
      });
    }
  }

  private async plan(): Promise<void> {
    this.setStatus('planning');
    const { options } = this.input;
    const value = await this.structuredWithReask<PlannerOutput>(
      'planner',
      options.plannerModel,
      (correction, attempt) =>
        models.planGoal.executeWithOptions({ summary: attempt === 1 ? 'plan' : 'plan (re-ask)' }, [
          {
            goal: this.input.goal,
            ...(this.input.context !== undefined ? { context: this.input.context } : {}),
            model: options.plannerModel,
            idempotencyKey: `${this.workflowId}/plan/${attempt}`,
            ...(correction ? { correction } : {}),
          },
        ]),
    );
    this.state.plan = createPlan(value.steps, 'planner', 'initial plan', now());
    this.event(
      'planned',
      `Plan v1 with ${value.steps.length} steps: ${value.steps.map((s) => s.id).join(', ')}`,
    );
  }

  private async loop(): Promise<RunResult> {
    const { options } = this.input;
    for (;;) {
      const budget = options.maxSteps - this.state.stepsExecuted;
      const ready = readySteps(this.state.plan);
      if (ready.length > 0 && budget <= 0) {
        return this.end(
          'max_steps',
          `Stopped after ${this.state.stepsExecuted} steps: options.maxSteps (${options.maxSteps}) was reached with ${pendingSteps(this.state.plan).length} steps still pending. Raise maxSteps to let the run go further.`,
        );
      }
      const batch = ready.slice(0, Math.min(options.maxParallelSteps, budget));
      if (batch.length > 0) {
        this.setStatus('executing');
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
      if (decision.action === 'finish') {
        this.state.answer = decision.answer;
        return this.end('answered', decision.reason);
      }
      this.state.plan = replaceRemaining(
        this.state.plan,
        decision.remainingSteps,
        'replanner',
        decision.reason,
        now(),
      );
      const revision = this.state.plan.revisions.at(-1);
      this.event(
        'replanned',
        `Plan v${this.state.plan.version}: ${decision.reason} (added ${revision?.added.join(', ') || 'none'}; changed ${revision?.changed.join(', ') || 'none'}; removed ${revision?.removed.join(', ') || 'none'})`,
      );
    }
  }

  private async replan(justRan: string[]): Promise<ReplannerOutput> {
    this.setStatus('replanning');
    const { options } = this.input;
    const replanNumber = this.state.replans + 1;
    const decision = await this.structuredWithReask<ReplannerOutput>(
      'replanner',
      options.replannerModel,
      (correction, attempt) =>
        models.replan.executeWithOptions(
          { summary: `re-plan ${replanNumber}${attempt > 1 ? ' (re-ask)' : ''}` },
          [
            {
              goal: this.input.goal,
              ...(this.input.context !== undefined ? { context: this.input.context } : {}),
              plan: this.state.plan,
              justRan,
              stepsLeftInBudget: options.maxSteps - this.state.stepsExecuted,
              model: options.replannerModel,
              idempotencyKey: `${this.workflowId}/replan-${replanNumber}/${attempt}`,
              ...(correction ? { correction } : {}),
            },
          ],
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
    this.refreshDetails();
    const dependencies = step.dependsOn.map((id) => {
      const dep = this.state.plan.steps.find((s) => s.id === id);
      return { id, title: dep?.title ?? id, result: dep?.result ?? '' };
    });
    const transcript: ChatMessage[] = [];
    try {
      for (let turn = 1; turn <= options.maxTurnsPerStep; turn++) {
        const output = await models.executorTurn.executeWithOptions(
          { summary: `execute ${step.id}, turn ${turn}` },
          [
            {
              goal: this.input.goal,
              step: { id: step.id, title: step.title, instructions: step.instructions },
              dependencies,
              transcript,
              model: options.executorModel,
              turn,
              maxTurns: options.maxTurnsPerStep,
              idempotencyKey: `${this.workflowId}/step-${step.id}/turn-${turn}`,
            },
          ],
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
          const result = await tools.runTool.executeWithOptions({ summary: `${call.name} for ${step.id}` }, [
            {
              call,
              stepId: step.id,
              idempotencyKey: `${this.workflowId}/step-${step.id}/turn-${turn}/call-${index}`,
            },
          ]);
          results.push(result);
          this.event(
            result.isError ? 'tool_error' : 'tool_call',
            `${call.name} ${result.isError ? 'refused' : 'ran'}: ${truncate(result.content, 200)}`,
            step.id,
          );
        }
        transcript.push({ role: 'tool', results });
      }
      const message = `Ran out of turns: ${options.maxTurnsPerStep} executor turns (options.maxTurnsPerStep) without a final summary.`;
      this.patchStep(step.id, { status: 'failed', result: message });
      this.event('step_failed', `Step ${step.id} failed: ${message}`, step.id);
    } finally {
      this.state.runningStepIds = this.state.runningStepIds.filter((id) => id !== step.id);
      this.refreshDetails();
    }
  }

  private end(reason: Exclude<EndReason, 'error'>, message: string): RunResult {
    this.state.endReason = reason;
    this.state.endMessage = message;
    this.setStatus('completed');
    this.event('run_completed', `${reason}: ${message}`);
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

  private recordUsage(role: ModelRole, model: string, usage: TokenUsage): void {
    this.state.usage = addUsage(this.state.usage, role, model, usage);
  }

  private patchStep(id: string, patch: Parameters<typeof updateStep>[2]): void {
    this.state.plan = updateStep(this.state.plan, id, patch);
    this.state.updatedAt = now();
  }

  private setStatus(status: RunState['status']): void {
    this.state.status = status;
    this.state.updatedAt = now();
    this.refreshDetails();
  }

  private event(kind: string, message: string, stepId?: string): void {
    this.state.events.push({ at: now(), kind, message, ...(stepId !== undefined ? { stepId } : {}) });
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
      '',
      ...plan.steps.map((s) => `- \`${s.status}\` **${s.id}** ${s.title}`),
    ];
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
    const cause = err.cause;
    const activity = err.activityType ?? 'activity';
    return `${activity} failed: ${cause?.message ?? err.message}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

function asError(err: unknown): Error | undefined {
  return err instanceof Error ? err : undefined;
}

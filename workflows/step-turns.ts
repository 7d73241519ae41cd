/**
 * What the step runner does with what an executorTurns activity made (see step-runner.ts): each turn's
 * bookkeeping as if it had been made on its own, the re-plan asked along with the step's last turn handed to
 * the scheduler, and what the activity left to the run.
 */
import type {
  ExecutorOutput,
  ExecutorTurnsOutput,
  LocalFailure,
  ReplannerInput,
  ToolCallOutput,
} from './activity-contract';
import type { ChatMessage, ToolResult } from './chat';
import type { MadeAhead } from './replan-ahead';
import type { RunCore } from './run-core';
import { now, truncate } from './run-core';
import type { PlanStep } from './state';
import { stepResultOf } from './text';

/** How a step takes part in a re-plan asked ahead (replan-ahead.ts); the scheduler decides when it may. */
export interface StepAhead {
  /** The input of the re-plan that would follow if the step ended now, when one would follow at once. */
  template(): ReplannerInput | undefined;
  /** The step ended, and the re-plan asked along with its last turn came back, or failed. */
  offer(template: ReplannerInput, result: MadeAhead): void;
}

export type AfterTurns =
  | { ended: 'done' | 'failed' }
  /** Every turn made ran all its calls: the next turn is `turn`; `failed` when it was tried and failed. */
  | { ended?: undefined; turn: number; left?: undefined; failed?: LocalFailure }
  /** The last turn has calls left, from `made.length` on; `failed` when that one was tried and failed. */
  | { ended?: undefined; turn: number; left: ExecutorOutput; made: ToolCallOutput[]; failed?: LocalFailure };

export function applyTurns(
  core: RunCore,
  step: PlanStep,
  transcript: ChatMessage[],
  firstTurn: number,
  batch: ExecutorTurnsOutput,
  ahead: { step?: StepAhead | undefined; template: ReplannerInput | undefined },
): AfterTurns {
  let turn = firstTurn;
  const last = batch.turns.at(-1);
  for (const done of batch.turns) {
    if (finishTurn(core, step, turn, done.output)) {
      const { template } = ahead;
      if (template && batch.replan) ahead.step?.offer(template, { outcome: batch.replan });
      else if (template && batch.failed?.call === 'replan') {
        ahead.step?.offer(template, { failure: batch.failed.failure });
      }
      return { ended: 'done' };
    }
    for (const [index, result] of done.results.entries()) {
      logToolResult(core, step.id, done.output.toolCalls[index]?.name ?? '', result);
    }
    const stopped = done.results.find((r) => r.failStep);
    if (stopped?.failStep) return { ended: failStep(core, step, stopped.failStep) };
    if (done === last && done.results.length < done.output.toolCalls.length) {
      const failed = batch.failed?.call === 'tool' ? batch.failed.failure : undefined;
      return { turn, left: done.output, made: done.results, ...(failed ? { failed } : {}) };
    }
    transcript.push({ role: 'assistant', text: done.output.text, toolCalls: done.output.toolCalls });
    transcript.push({ role: 'tool', results: done.results.map(toolResult) });
    turn += 1;
  }
  const failed = batch.failed?.call === 'turn' ? batch.failed.failure : undefined;
  return { turn, ...(failed ? { failed } : {}) };
}

/** The bookkeeping of one executor turn; true when it ended the step (an answer without tool calls). */
export function finishTurn(core: RunCore, step: PlanStep, turn: number, output: ExecutorOutput): boolean {
  const { executorModel } = core.input.options;
  core.recordUsage('executor', executorModel, output.usage, { ...output, stepId: step.id });
  core.patchStep(step.id, { turns: turn });
  if (output.toolCalls.length > 0) return false;
  const summary = stepResultOf(output.text);
  core.patchStep(step.id, { status: 'done', result: summary, endedAt: now() });
  core.event('step_done', `Step ${step.id} done: ${truncate(summary, 200)}`, step.id);
  return true;
}

export function failStep(core: RunCore, step: PlanStep, reason: string): 'failed' {
  const message = truncate(reason);
  core.patchStep(step.id, { status: 'failed', result: message, endedAt: now() });
  core.event('step_failed', `Step ${step.id} failed: ${truncate(message, 300)}`, step.id);
  return 'failed';
}

export function toolResult(output: ToolCallOutput): ToolResult {
  return { toolCallId: output.toolCallId, content: output.content, isError: output.isError };
}

export function logToolResult(core: RunCore, stepId: string, name: string, result: ToolResult): void {
  core.event(
    result.isError ? 'tool_error' : 'tool_call',
    `${name} ${result.isError ? 'refused' : 'ran'}: ${truncate(result.content, 200)}`,
    stepId,
  );
}

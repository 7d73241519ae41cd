/**
 * Runs one step: executor model turns and the tool calls each turn asks for (ask_human is answered by the
 * workflow itself). The step ends when a turn answers without tool calls (its text is the step's result) or
 * when it runs out of turns (failed, for the re-planner to handle).
 *
 * Turns go one activity each, or, when the executor answers fast and the run has no budget, several in one
 * local activity with the quick tool calls the run allows without a person (executorTurns): the step's
 * state, events and costs come out the same; what that activity leaves (a call a person must approve,
 * ask_human, a failure) goes on here one call at a time.
 */
import type {
  ExecutorOutput,
  ExecutorTurnBase,
  ReplannerInput,
  StructuredOutcome,
  Timed,
  ToolCallOutput,
} from './activity-contract';
import type { ChatMessage, ToolResult } from './chat';
import type { Calls } from './calls';
import { executorTurnInput, toolCallKey } from './executor-input';
import { ASK_HUMAN_TOOL } from './messages';
import type { Questions } from './questions';
import type { RunCore } from './run-core';
import { now, truncate } from './run-core';
import { reuseFinished } from './reuse';
import type { ReplannerOutput } from './schemas';
import { stepResultOf } from './text';
import type { PlanStep } from './state';
import { ToolGate } from './tool-gate';

/** How a step takes part in a re-plan asked ahead (replan-ahead.ts); the scheduler decides when it may. */
export interface StepAhead {
  /** The input of the re-plan that would follow if the step ended now, when one would follow at once. */
  template(): ReplannerInput | undefined;
  /** The step ended, and the re-plan asked along with its last turn came back. */
  offer(template: ReplannerInput, outcome: StructuredOutcome<ReplannerOutput> & Timed): void;
}

export async function runStep(
  core: RunCore,
  calls: Calls,
  questions: Questions,
  step: PlanStep,
  ahead?: StepAhead,
): Promise<'done' | 'failed'> {
  const { options } = core.input;
  const dependencies = step.dependsOn.map((id) => {
    const dep = core.step(id);
    return { id, title: dep?.title ?? id, result: dep?.result ?? '' };
  });
  const brief = { id: step.id, title: step.title, instructions: step.instructions };
  const transcript: ChatMessage[] = [];
  // Runs with a pinned tool catalogue offer and call tools through the gate; older runs as they always did.
  const gate = ToolGate.of(core);
  const offered = gate?.offered();
  if (reuseFinished(core, step, dependencies, offered)) return 'done';
  const stepKey = `${core.keyPrefix}/step-${step.id}`;
  // Advice is read afresh for every turn: a person's note reaches the next one.
  const base = (): ExecutorTurnBase => ({
    goal: core.input.goal,
    step: brief,
    dependencies,
    advice: core.state.advice.map((a) => a.note),
    model: options.executorModel,
    maxTurns: options.maxTurnsPerStep,
    ...(offered ? { tools: offered } : {}),
  });
  let turn = 1;
  while (turn <= options.maxTurnsPerStep) {
    let replanAfter: ReplannerInput | undefined;
    const batch =
      gate && calls.mayBatchTurns()
        ? await calls.executorTurns(
            () => {
              replanAfter = ahead?.template();
              const autoTools = gate.autoTools();
              return {
                base: base(),
                transcript,
                firstTurn: turn,
                stepKey,
                autoTools,
                ...(replanAfter ? { replanAfter } : {}),
              };
            },
            () => executorTurnInput(base(), transcript, turn, stepKey),
          )
        : undefined;
    let output: ExecutorOutput;
    let made: ToolCallOutput[] = [];
    if (batch) {
      const last = batch.turns.at(-1);
      for (const done of batch.turns) {
        if (finishTurn(core, step, turn, done.output)) {
          if (batch.replan && replanAfter) ahead?.offer(replanAfter, batch.replan);
          return 'done';
        }
        for (const [index, result] of done.results.entries()) {
          logToolResult(core, step.id, done.output.toolCalls[index]?.name ?? '', result);
        }
        const failed = done.results.find((r) => r.failStep);
        if (failed?.failStep) return failStep(core, step, failed.failStep);
        if (done !== last || done.results.length === done.output.toolCalls.length) {
          transcript.push({ role: 'assistant', text: done.output.text, toolCalls: done.output.toolCalls });
          transcript.push({ role: 'tool', results: done.results.map(toolResult) });
          turn += 1;
        }
      }
      if (!last || last.results.length === last.output.toolCalls.length) continue;
      // The last turn has calls the activity left to the run: they go on below, one at a time.
      output = last.output;
      made = last.results;
    } else {
      output = await calls.model('executor', (activities) =>
        activities.executor.executeWithOptions({ summary: `execute ${step.id}, turn ${turn}` }, [
          executorTurnInput(base(), transcript, turn, stepKey),
        ]),
      );
      if (finishTurn(core, step, turn, output)) return 'done';
    }
    transcript.push({ role: 'assistant', text: output.text, toolCalls: output.toolCalls });
    const results: ToolResult[] = made.map(toolResult);
    for (const [index, call] of output.toolCalls.entries()) {
      if (index < made.length) continue;
      const paused = core.checkpoint();
      if (paused) await paused;

      if (call.name === ASK_HUMAN_TOOL) {
        results.push(await questions.ask(step.id, call));
        continue;
      }
      const idempotencyKey = toolCallKey(stepKey, turn, index);
      if (gate) {
        const outcome = await gate.call(`${step.id}.${turn}.${index}`, step.id, call, idempotencyKey);
        results.push(outcome.result);
        logToolResult(core, step.id, call.name, outcome.result);
        if (outcome.failStep) return failStep(core, step, outcome.failStep);
        continue;
      }
      const result = await calls.invoke('tool', `tool:${call.name}`, (activities) =>
        activities.tool.executeWithOptions({ summary: `${call.name} for ${step.id}` }, [
          { call, stepId: step.id, idempotencyKey },
        ]),
      );
      results.push({ toolCallId: result.toolCallId, content: result.content, isError: result.isError });
      logToolResult(core, step.id, call.name, result);
    }
    transcript.push({ role: 'tool', results });
    turn += 1;
  }
  const message = `Ran out of turns: ${options.maxTurnsPerStep} executor turns (options.maxTurnsPerStep) without a final summary.`;
  core.patchStep(step.id, { status: 'failed', result: message, endedAt: now() });
  core.event('step_failed', `Step ${step.id} failed: ${message}`, step.id);
  return 'failed';
}

/** The bookkeeping of one executor turn; true when it ended the step (an answer without tool calls). */
function finishTurn(core: RunCore, step: PlanStep, turn: number, output: ExecutorOutput): boolean {
  const { executorModel } = core.input.options;
  core.recordUsage('executor', executorModel, output.usage, { ...output, stepId: step.id });
  core.patchStep(step.id, { turns: turn });
  if (output.toolCalls.length > 0) return false;
  const summary = stepResultOf(output.text);
  core.patchStep(step.id, { status: 'done', result: summary, endedAt: now() });
  core.event('step_done', `Step ${step.id} done: ${truncate(summary, 200)}`, step.id);
  return true;
}

function failStep(core: RunCore, step: PlanStep, reason: string): 'failed' {
  const message = truncate(reason);
  core.patchStep(step.id, { status: 'failed', result: message, endedAt: now() });
  core.event('step_failed', `Step ${step.id} failed: ${truncate(message, 300)}`, step.id);
  return 'failed';
}

function toolResult(output: ToolCallOutput): ToolResult {
  return { toolCallId: output.toolCallId, content: output.content, isError: output.isError };
}

function logToolResult(core: RunCore, stepId: string, name: string, result: ToolResult): void {
  core.event(
    result.isError ? 'tool_error' : 'tool_call',
    `${name} ${result.isError ? 'refused' : 'ran'}: ${truncate(result.content, 200)}`,
    stepId,
  );
}

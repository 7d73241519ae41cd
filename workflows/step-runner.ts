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
  LocalFailure,
  ReplannerInput,
  ToolCallOutput,
} from './activity-contract';
import type { ChatMessage, ToolResult } from './chat';
import type { Calls } from './calls';
import { executorTurnInput, toolCallKey } from './executor-input';
import { ASK_HUMAN_TOOL } from './messages';
import type { Questions } from './questions';
import type { RunCore } from './run-core';
import { now } from './run-core';
import { reuseFinished } from './reuse';
import type { PlanStep } from './state';
import { applyTurns, failStep, finishTurn, logToolResult, toolResult, type StepAhead } from './step-turns';
import { ToolGate } from './tool-gate';

export type { StepAhead } from './step-turns';

export async function runStep(
  core: RunCore,
  calls: Calls,
  questions: Questions,
  step: PlanStep,
  stepAhead?: StepAhead,
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
  // A call the last executorTurns tried and failed: made again here as its regular retry.
  let failedLocally: LocalFailure | undefined;
  while (turn <= options.maxTurnsPerStep) {
    const ahead = { step: stepAhead, template: undefined as ReplannerInput | undefined };
    const batch =
      gate && calls.mayBatchTurns()
        ? await calls.executorTurns(
            () => {
              ahead.template = stepAhead?.template();
              const autoTools = gate.autoTools();
              const replanAfter = ahead.template ? { replanAfter: ahead.template } : {};
              return { base: base(), transcript, firstTurn: turn, stepKey, autoTools, ...replanAfter };
            },
            () => executorTurnInput(base(), transcript, turn, stepKey),
            failedLocally,
          )
        : undefined;
    failedLocally = undefined;
    let output: ExecutorOutput;
    let made: ToolCallOutput[] = [];
    if (batch) {
      const after = applyTurns(core, step, transcript, turn, batch, ahead);
      if (after.ended) return after.ended;
      turn = after.turn;
      failedLocally = after.failed;
      if (!after.left) continue;
      // The last turn has calls the activity left to the run: they go on below, one at a time.
      output = after.left;
      made = after.made;
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
        const tried = index === made.length ? failedLocally : undefined;
        const id = `${step.id}.${turn}.${index}`;
        const outcome = await gate.call(id, step.id, call, idempotencyKey, tried);
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
    failedLocally = undefined;
    turn += 1;
  }
  const message = `Ran out of turns: ${options.maxTurnsPerStep} executor turns (options.maxTurnsPerStep) without a final summary.`;
  core.patchStep(step.id, { status: 'failed', result: message, endedAt: now() });
  core.event('step_failed', `Step ${step.id} failed: ${message}`, step.id);
  return 'failed';
}

/**
 * Runs one step: executor model turns, each one activity, and the tool calls each turn asks for, each one
 * activity (ask_human is answered by the workflow itself). The step ends when a turn answers without tool
 * calls (its text is the step's result) or when it runs out of turns (failed, for the re-planner to handle).
 */
import type { ChatMessage, ToolResult } from './chat';
import type { Calls } from './calls';
import { ASK_HUMAN_TOOL } from './messages';
import type { Questions } from './questions';
import type { RunCore } from './run-core';
import { now, truncate } from './run-core';
import { reuseFinished } from './reuse';
import type { PlanStep } from './state';
import { ToolGate } from './tool-gate';
import { compactTranscript } from './transcript';

export async function runStep(
  core: RunCore,
  calls: Calls,
  questions: Questions,
  step: PlanStep,
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
  for (let turn = 1; turn <= options.maxTurnsPerStep; turn++) {
    const output = await calls.model('executor', (activities) =>
      activities.executor.executeWithOptions({ summary: `execute ${step.id}, turn ${turn}` }, [
        {
          goal: core.input.goal,
          step: brief,
          dependencies,
          transcript: compactTranscript(transcript),
          advice: core.state.advice.map((a) => a.note),
          model: options.executorModel,
          turn,
          maxTurns: options.maxTurnsPerStep,
          idempotencyKey: `${core.keyPrefix}/step-${step.id}/turn-${turn}`,
          ...(offered ? { tools: offered } : {}),
        },
      ]),
    );
    core.recordUsage('executor', options.executorModel, output.usage, { ...output, stepId: step.id });
    core.patchStep(step.id, { turns: turn });
    if (output.toolCalls.length === 0) {
      const summary = truncate(output.text.trim() || '(the executor gave no summary)');
      core.patchStep(step.id, { status: 'done', result: summary, endedAt: now() });
      core.event('step_done', `Step ${step.id} done: ${truncate(summary, 200)}`, step.id);
      return 'done';
    }
    transcript.push({ role: 'assistant', text: output.text, toolCalls: output.toolCalls });
    const results: ToolResult[] = [];
    for (const [index, call] of output.toolCalls.entries()) {
      const paused = core.checkpoint();
      if (paused) await paused;

      if (call.name === ASK_HUMAN_TOOL) {
        results.push(await questions.ask(step.id, call));
        continue;
      }
      const idempotencyKey = `${core.keyPrefix}/step-${step.id}/turn-${turn}/call-${index}`;
      if (gate) {
        const outcome = await gate.call(`${step.id}.${turn}.${index}`, step.id, call, idempotencyKey);
        results.push(outcome.result);
        logToolResult(core, step.id, call.name, outcome.result);
        if (outcome.failStep) {
          const message = truncate(outcome.failStep);
          core.patchStep(step.id, { status: 'failed', result: message, endedAt: now() });
          core.event('step_failed', `Step ${step.id} failed: ${truncate(message, 300)}`, step.id);
          return 'failed';
        }
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
  }
  const message = `Ran out of turns: ${options.maxTurnsPerStep} executor turns (options.maxTurnsPerStep) without a final summary.`;
  core.patchStep(step.id, { status: 'failed', result: message, endedAt: now() });
  core.event('step_failed', `Step ${step.id} failed: ${message}`, step.id);
  return 'failed';
}

function logToolResult(core: RunCore, stepId: string, name: string, result: ToolResult): void {
  core.event(
    result.isError ? 'tool_error' : 'tool_call',
    `${name} ${result.isError ? 'refused' : 'ran'}: ${truncate(result.content, 200)}`,
    stepId,
  );
}

/** One executor turn: the step's brief and transcript to the model, its text and tool calls back. */
import type { ExecutorInput, ExecutorOutput } from '../workflows/activity-contract';
import { observeModelCall } from '../src/telemetry/calls';
import { billed } from './billing';
import { boundModelOutput } from './bounds';
import type { ActivityDeps } from './deps';
import { toActivityFailure } from './failures';
import { withHeartbeat } from './heartbeat';
import { EXECUTOR_SYSTEM, executorBrief } from './prompts';
import { boundStepResult } from './spill';

export async function executorTurn(deps: ActivityDeps, input: ExecutorInput): Promise<ExecutorOutput> {
  const finalTurn = input.turn >= input.maxTurns;
  const brief = executorBrief(input);
  const text = brief.changing + (finalTurn ? '\n\nThis is your last turn: reply with your summary now.' : '');
  try {
    const { client, model } = deps.models.forSpec(input.model);
    const tools = await deps.tools.specs(input.tools);
    const call = {
      role: 'executor',
      modelSpec: input.model,
      provider: client.provider,
      model,
      maxTokens: deps.maxOutputTokens,
    } as const;
    const response = await withHeartbeat((signal) =>
      observeModelCall(call, () =>
        client.complete({
          model,
          system: EXECUTOR_SYSTEM,
          // The goal is shared by every step; each turn resends the step's conversation so far.
          stablePrefix: brief.stable,
          promptCache: 'conversation',
          messages: [{ role: 'user', text }, ...input.transcript],
          tools,
          maxTokens: deps.maxOutputTokens,
          idempotencyKey: input.idempotencyKey,
          signal,
        }),
      ),
    );
    const bounded = boundModelOutput(response.text, response.toolCalls);
    // A final summary (no tool calls) is the step's result: a long one is kept whole in the workspace.
    if (bounded.toolCalls.length === 0) {
      bounded.text = await boundStepResult(deps.workspaceRoot, input.step.id, bounded.text.trim());
    }
    return { ...bounded, ...billed(deps.prices, input.model, response.usage) };
  } catch (err) {
    throw toActivityFailure(err);
  }
}

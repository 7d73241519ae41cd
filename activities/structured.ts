import type { z } from 'zod';
import type { ModelClients, ModelRequest, ModelResponse } from '../src/llm';
import type { PriceTable } from '../src/llm/prices';
import { observeModelCall } from '../src/telemetry/calls';
import { billed } from './billing';
import { toActivityFailure } from './failures';
import { withHeartbeat } from './heartbeat';
import type { SplitPrompt } from './prompts';
import type { StructuredOutcome } from '../workflows/activity-contract';

export interface StructuredCall<T> {
  role: 'planner' | 'replanner';
  modelSpec: string;
  system: string;
  /** The goal and context go first, as a prefix the provider may serve from its prompt cache. */
  prompt: SplitPrompt;
  tool: { name: string; description: string; schema: z.ZodType<T> };
  jsonSchema: Record<string, unknown>;
  maxTokens: number;
  idempotencyKey: string;
  /** Checks beyond the schema (graph rules); returns problems, empty when fine. */
  check?: (value: T) => string[];
}

/**
 * Ask a model for structured output through a forced tool call and validate it. An invalid answer is
 * returned (not thrown) with its problems, so the workflow can re-ask once and keep both calls in history.
 */
export async function callForStructured<T>(
  clients: ModelClients,
  prices: PriceTable,
  call: StructuredCall<T>,
): Promise<StructuredOutcome<T>> {
  let resolved;
  try {
    resolved = clients.forSpec(call.modelSpec);
  } catch (err) {
    throw toActivityFailure(err);
  }
  const { client, model } = resolved;
  const request: Omit<ModelRequest, 'signal'> = {
    model,
    system: call.system,
    stablePrefix: call.prompt.stable,
    messages: [{ role: 'user', text: call.prompt.changing }],
    promptCache: 'prefix',
    tools: [{ name: call.tool.name, description: call.tool.description, inputSchema: call.jsonSchema }],
    forceTool: call.tool.name,
    maxTokens: call.maxTokens,
    idempotencyKey: call.idempotencyKey,
  };
  let outcome: StructuredOutcome<T> | undefined;
  let response;
  try {
    response = await withHeartbeat((signal) =>
      observeModelCall(
        {
          role: call.role,
          modelSpec: call.modelSpec,
          provider: client.provider,
          model,
          maxTokens: call.maxTokens,
        },
        () => client.complete({ ...request, signal }),
        (answer) => ((outcome = judge(call, answer, prices)).valid ? 'ok' : 'invalid_output'),
      ),
    );
  } catch (err) {
    throw toActivityFailure(err);
  }
  return outcome ?? judge(call, response, prices);
}

/** The answer as structured output, priced: valid, or what is wrong with it. */
function judge<T>(
  call: StructuredCall<T>,
  response: ModelResponse,
  prices: PriceTable,
): StructuredOutcome<T> {
  const { usage, ...bill } = billed(prices, call.modelSpec, response.usage);
  const toolCall = response.toolCalls.find((c) => c.name === call.tool.name);
  if (!toolCall) {
    return {
      valid: false,
      problems: `the model did not call ${call.tool.name}`,
      rawOutput: response.text.slice(0, 4_000),
      usage,
      ...bill,
    };
  }
  const rawOutput = (
    typeof toolCall.input === 'string' ? toolCall.input : JSON.stringify(toolCall.input)
  ).slice(0, 8_000);
  if (toolCall.inputError) return { valid: false, problems: toolCall.inputError, rawOutput, usage, ...bill };
  const parsed = call.tool.schema.safeParse(toolCall.input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { valid: false, problems, rawOutput, usage, ...bill };
  }
  const problems = call.check?.(parsed.data) ?? [];
  if (problems.length > 0) return { valid: false, problems: problems.join('; '), rawOutput, usage, ...bill };
  return { valid: true, value: parsed.data, usage, ...bill };
}

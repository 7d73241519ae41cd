import type { z } from 'zod';
import type { ModelClients, ModelRequest, ModelResponse } from '../src/llm';
import { observeModelCall } from '../src/telemetry/calls';
import { toActivityFailure } from './failures';
import { withHeartbeat } from './heartbeat';
import type { StructuredOutcome } from '../workflows/activity-contract';

export interface StructuredCall<T> {
  role: 'planner' | 'replanner';
  modelSpec: string;
  system: string;
  prompt: string;
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
    messages: [{ role: 'user', text: call.prompt }],
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
        (answer) => ((outcome = judge(call, answer)).valid ? 'ok' : 'invalid_output'),
      ),
    );
  } catch (err) {
    throw toActivityFailure(err);
  }
  return outcome ?? judge(call, response);
}

/** The answer as structured output: valid, or what is wrong with it. */
function judge<T>(call: StructuredCall<T>, response: ModelResponse): StructuredOutcome<T> {
  const usage = response.usage;
  const toolCall = response.toolCalls.find((c) => c.name === call.tool.name);
  if (!toolCall) {
    return {
      valid: false,
      problems: `the model did not call ${call.tool.name}`,
      rawOutput: response.text.slice(0, 4_000),
      usage,
    };
  }
  const rawOutput = (
    typeof toolCall.input === 'string' ? toolCall.input : JSON.stringify(toolCall.input)
  ).slice(0, 8_000);
  if (toolCall.inputError) return { valid: false, problems: toolCall.inputError, rawOutput, usage };
  const parsed = call.tool.schema.safeParse(toolCall.input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { valid: false, problems, rawOutput, usage };
  }
  const problems = call.check?.(parsed.data) ?? [];
  if (problems.length > 0) return { valid: false, problems: problems.join('; '), rawOutput, usage };
  return { valid: true, value: parsed.data, usage };
}

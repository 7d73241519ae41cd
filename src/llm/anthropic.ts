import Anthropic from '@anthropic-ai/sdk';
import { classifyProviderError, shapeOf, unusableAnswer } from './errors';

import type { ChatMessage, ModelClient, ModelRequest, ModelResponse, ToolCall } from './types';

export interface AnthropicClientOptions {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
}

export class AnthropicModelClient implements ModelClient {
  readonly provider = 'anthropic';
  private readonly sdk: Anthropic;

  constructor(options: AnthropicClientOptions) {
    // maxRetries 0: Temporal's retry policy owns retries, so each attempt shows in history and the UI.
    this.sdk = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? null,
      maxRetries: 0,
      timeout: options.timeoutMs,
      // The worker makes one span per model call itself, the same for every provider (src/telemetry/calls.ts);
      // the SDK's own span on the same call would count its tokens twice in GenAI dashboards.
      openTelemetry: false,
    });
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const cache = request.promptCache !== undefined;
    const params: Anthropic.MessageCreateParamsNonStreaming = {
      model: request.model,
      max_tokens: request.maxTokens,
      // The system block closes the part every call of this kind shares (tools come before it in the
      // cache's order), so its mark caches tools and system together.
      system: cache ? [{ type: 'text', text: request.system, cache_control: EPHEMERAL }] : request.system,
      messages: withCacheMarks(
        request.messages.map(toAnthropicMessage),
        request.stablePrefix,
        request.promptCache,
      ),
    };
    if (request.tools && request.tools.length > 0) {
      params.tools = request.tools.map((t) => ({
        name: t.name,
        description: t.description,
        input_schema: t.inputSchema as Anthropic.Tool.InputSchema,
      }));
      params.tool_choice = request.forceTool ? { type: 'tool', name: request.forceTool } : { type: 'auto' };
    }
    let message: Anthropic.Message;
    try {
      message = await this.sdk.messages.create(params, {
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.idempotencyKey ? { headers: { 'Idempotency-Key': request.idempotencyKey } } : {}),
      });
    } catch (err) {
      throw classifyProviderError(err, 'Anthropic', 'ANTHROPIC');
    }
    checkAnswer(message);
    const text = message.content
      .filter((b): b is Anthropic.TextBlock => b.type === 'text')
      .map((b) => b.text)
      .join('\n');
    const toolCalls: ToolCall[] = message.content
      .filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')
      .map((b) => ({ id: b.id, name: b.name, input: b.input }));
    return {
      text,
      toolCalls,
      usage: anthropicUsage(message.usage),
      stopReason: message.stop_reason ?? 'unknown',
    };
  }
}

const EPHEMERAL: Anthropic.CacheControlEphemeral = { type: 'ephemeral' };

/**
 * Anthropic reports cache reads and writes apart from input_tokens; the neutral usage counts every input
 * token in inputTokens (as OpenAI does) and says how many of them the cache served or took.
 */
function anthropicUsage(usage: Anthropic.Usage | undefined): ModelResponse['usage'] {
  const read = usage?.cache_read_input_tokens ?? 0;
  const write = usage?.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (usage?.input_tokens ?? 0) + read + write,
    outputTokens: usage?.output_tokens ?? 0,
    ...(read > 0 ? { cacheReadTokens: read } : {}),
    ...(write > 0 ? { cacheWriteTokens: write } : {}),
  };
}

/**
 * The stable prefix opens the first user message as a block of its own, marked as a cache breakpoint; in a
 * conversation the newest message is marked too, so the next turn reads everything up to it from the
 * cache. With the system block that is at most three of the four marks Anthropic allows.
 */
function withCacheMarks(
  messages: Anthropic.MessageParam[],
  stablePrefix: string | undefined,
  mode: ModelRequest['promptCache'],
): Anthropic.MessageParam[] {
  const cache = mode !== undefined;
  const [first, ...rest] = messages;
  if (!first) return messages;
  const out = [first, ...rest];
  if (stablePrefix !== undefined) {
    const prefix: Anthropic.TextBlockParam = {
      type: 'text',
      text: stablePrefix,
      ...(cache ? { cache_control: EPHEMERAL } : {}),
    };
    out[0] = { ...first, content: [prefix, ...blocks(first.content)] } as Anthropic.MessageParam;
  }
  if (mode === 'conversation') {
    const last = out[out.length - 1] as Anthropic.MessageParam;
    const content = blocks(last.content);
    const tail = content[content.length - 1];
    if (tail && tail.type !== 'thinking' && tail.type !== 'redacted_thinking') {
      content[content.length - 1] = { ...tail, cache_control: EPHEMERAL };
      out[out.length - 1] = { ...last, content } as Anthropic.MessageParam;
    }
  }
  return out;
}

function blocks(content: Anthropic.MessageParam['content']): Anthropic.ContentBlockParam[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : [...content];
}

/** The SDK does not check the body of a 200 answer; an unusable one fails here, clearly, and is not retried. */
function checkAnswer(message: Anthropic.Message): void {
  const body = message as unknown as Record<string, unknown> | null;
  if (!body || typeof body !== 'object' || !Array.isArray(body.content)) {
    throw unusableAnswer('Anthropic', `its body has no content list (${shapeOf(body)})`, 'ANTHROPIC');
  }
  if (body.stop_reason === 'refusal') {
    throw unusableAnswer('Anthropic', 'the model refused to answer (stop_reason "refusal")', 'ANTHROPIC');
  }
}

function toAnthropicMessage(message: ChatMessage): Anthropic.MessageParam {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.text };
    case 'assistant': {
      const content: Anthropic.ContentBlockParam[] = [];
      if (message.text) content.push({ type: 'text', text: message.text });
      for (const call of message.toolCalls) {
        content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input ?? {} });
      }
      return { role: 'assistant', content };
    }
    case 'tool':
      return {
        role: 'user',
        content: message.results.map((r) => ({
          type: 'tool_result' as const,
          tool_use_id: r.toolCallId,
          content: r.content,
          is_error: r.isError,
        })),
      };
  }
}

import OpenAI from 'openai';
import { classifyProviderError, shapeOf, unusableAnswer } from './errors';

import type { ChatMessage, ModelClient, ModelRequest, ModelResponse, ToolCall } from './types';

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type ChatMessageParam = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export interface OpenAIClientOptions {
  apiKey: string;
  /** Set for OpenAI-compatible servers (vLLM, Ollama, llama.cpp server). */
  baseURL?: string;
  timeoutMs: number;
}

export class OpenAIModelClient implements ModelClient {
  readonly provider = 'openai';
  private readonly sdk: OpenAI;
  private readonly compatible: boolean;

  constructor(options: OpenAIClientOptions) {
    this.compatible = options.baseURL !== undefined;
    // maxRetries 0: Temporal's retry policy owns retries, so each attempt shows in history and the UI.
    this.sdk = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? null,
      maxRetries: 0,
      timeout: options.timeoutMs,
    });
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    // OpenAI caches long prompt prefixes on its own; the stable prefix leads the first user message so the
    // part that repeats comes first.
    const messages = request.messages.flatMap(toOpenAIMessages);
    const first = messages[0];
    if (request.stablePrefix !== undefined && first?.role === 'user' && typeof first.content === 'string') {
      messages[0] = { role: 'user', content: `${request.stablePrefix}\n\n${first.content}` };
    }
    const params: ChatParams = {
      model: request.model,
      messages: [{ role: 'system', content: request.system }, ...messages],
    };
    // OpenAI's own API wants max_completion_tokens; many compatible servers only know max_tokens.
    if (this.compatible) params.max_tokens = request.maxTokens;
    else params.max_completion_tokens = request.maxTokens;
    if (request.tools && request.tools.length > 0) {
      params.tools = request.tools.map((t) => ({
        type: 'function' as const,
        function: { name: t.name, description: t.description, parameters: t.inputSchema },
      }));
      params.tool_choice = request.forceTool
        ? { type: 'function', function: { name: request.forceTool } }
        : 'auto';
    }
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.sdk.chat.completions.create(params, {
        ...(request.signal ? { signal: request.signal } : {}),
        // Sent as a header ourselves: the SDK's own idempotencyKey option sends nothing for this endpoint.
        ...(request.idempotencyKey ? { headers: { 'Idempotency-Key': request.idempotencyKey } } : {}),
      });
    } catch (err) {
      throw classifyProviderError(err, 'OpenAI', 'OPENAI');
    }
    const choice = checkAnswer(completion);
    const toolCalls: ToolCall[] = (choice?.message.tool_calls ?? []).flatMap((call) =>
      call.type === 'function' ? [parseToolCall(call.id, call.function.name, call.function.arguments)] : [],
    );
    return {
      text: choice?.message.content ?? '',
      toolCalls,
      usage: openaiUsage(completion.usage),
      stopReason: choice?.finish_reason ?? 'unknown',
    };
  }
}

/** prompt_tokens counts cached tokens too; prompt_tokens_details says how many the cache served. */
function openaiUsage(usage: OpenAI.CompletionUsage | undefined): ModelResponse['usage'] {
  const read = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  // Some OpenAI-compatible servers report cache writes too; OpenAI itself bills none.
  const write = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    ...(read > 0 ? { cacheReadTokens: read } : {}),
    ...(write > 0 ? { cacheWriteTokens: write } : {}),
  };
}

/** The SDK does not check the body of a 200 answer; an unusable one fails here, clearly, and is not retried. */
function checkAnswer(
  completion: OpenAI.Chat.Completions.ChatCompletion,
): OpenAI.Chat.Completions.ChatCompletion.Choice {
  const body = completion as unknown as Record<string, unknown> | null;
  const choices = body && typeof body === 'object' ? body.choices : undefined;
  if (!Array.isArray(choices) || choices.length === 0) {
    throw unusableAnswer('OpenAI', `its body has no choices (${shapeOf(body)})`, 'OPENAI');
  }
  const choice = choices[0] as OpenAI.Chat.Completions.ChatCompletion.Choice | undefined;
  if (!choice?.message || typeof choice.message !== 'object') {
    throw unusableAnswer('OpenAI', 'its first choice has no message', 'OPENAI');
  }
  if (choice.finish_reason === 'content_filter') {
    throw unusableAnswer(
      'OpenAI',
      'a content filter stopped the answer (finish_reason "content_filter")',
      'OPENAI',
    );
  }
  if (choice.message.refusal) {
    throw unusableAnswer(
      'OpenAI',
      `the model refused to answer ("${choice.message.refusal.slice(0, 200)}")`,
      'OPENAI',
    );
  }
  return choice;
}

function parseToolCall(id: string, name: string, args: string): ToolCall {
  try {
    return { id, name, input: args.trim() === '' ? {} : (JSON.parse(args) as unknown) };
  } catch (err) {
    return { id, name, input: args, inputError: `arguments are not valid JSON: ${(err as Error).message}` };
  }
}

function toOpenAIMessages(message: ChatMessage): ChatMessageParam[] {
  switch (message.role) {
    case 'user':
      return [{ role: 'user', content: message.text }];
    case 'assistant':
      return [
        {
          role: 'assistant',
          content: message.text || null,
          ...(message.toolCalls.length > 0
            ? {
                tool_calls: message.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function' as const,
                  function: {
                    name: c.name,
                    arguments: typeof c.input === 'string' ? c.input : JSON.stringify(c.input ?? {}),
                  },
                })),
              }
            : {}),
        },
      ];
    case 'tool':
      return message.results.map((r) => ({
        role: 'tool' as const,
        tool_call_id: r.toolCallId,
        content: r.isError ? `ERROR: ${r.content}` : r.content,
      }));
  }
}

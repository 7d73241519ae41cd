/** Reading requests and writing responses in the Anthropic Messages and OpenAI Chat Completions formats. */
import type { PromptUsage } from './prompt-cache';
import type { Rule } from './scenario';

export type Api = 'anthropic' | 'openai';

export interface NormalizedRequest {
  api: Api;
  model: string;
  forcedTool?: string;
  toolNames: string[];
  /** System prompt, messages and tool results, flattened to text for matching. */
  text: string;
  lastMessageText: string;
  stream: boolean;
}

type Json = Record<string, unknown>;

export function normalizeRequest(api: Api, body: Json): NormalizedRequest {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const texts = messages.map(messageText);
  const system = typeof body.system === 'string' ? body.system : flatten(body.system);
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
  const toolNames = tools.map((t) =>
    api === 'anthropic' ? text(t.name) : text((t.function as Json | undefined)?.name),
  );
  const choice = body.tool_choice as Json | string | undefined;
  let forcedTool: string | undefined;
  if (choice && typeof choice === 'object') {
    if (api === 'anthropic' && choice.type === 'tool') forcedTool = text(choice.name);
    if (api === 'openai' && choice.type === 'function') forcedTool = text((choice.function as Json).name);
  }
  return {
    api,
    model: text(body.model),
    ...(forcedTool ? { forcedTool } : {}),
    toolNames,
    text: [system, ...texts].join('\n'),
    lastMessageText: texts.at(-1) ?? '',
    stream: body.stream === true,
  };
}

function messageText(message: Json): string {
  return flatten(message.content) + (message.tool_calls ? flatten(message.tool_calls) : '');
}

function flatten(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join('\n');
  if (typeof value === 'object') {
    const v = value as Json;
    if (typeof v.text === 'string') return v.text;
    if (v.type === 'tool_result') return flatten(v.content);
    if (v.type === 'tool_use') return `${text(v.name)} ${JSON.stringify(v.input)}`;
    return JSON.stringify(v);
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

let counter = 0;
function id(prefix: string): string {
  counter += 1;
  return `${prefix}_fake${Date.now().toString(36)}${counter}`;
}

/** The usage a reply reports: the rule's own, or the emulated prompt's with the output estimated. */
export function replyUsage(reply: NonNullable<Rule['reply']>, prompt: PromptUsage): Required<ReplyUsage> {
  if (reply.usage) {
    return { cacheReadTokens: 0, cacheWriteTokens: 0, ...reply.usage };
  }
  const outputText = (reply.text ?? '') + JSON.stringify(reply.toolCalls ?? []);
  return { ...prompt, outputTokens: estimateTokens(outputText) };
}

type ReplyUsage = NonNullable<NonNullable<Rule['reply']>['usage']>;

export function successBody(
  api: Api,
  request: NormalizedRequest,
  reply: NonNullable<Rule['reply']>,
  usage: Required<ReplyUsage>,
): Json {
  const calls = reply.toolCalls ?? [];
  if (api === 'anthropic') {
    const content: Json[] = [];
    if (reply.text) content.push({ type: 'text', text: reply.text });
    for (const call of calls) {
      content.push({
        type: 'tool_use',
        id: id('toolu'),
        name: call.name,
        input: call.rawArguments ?? call.input ?? {},
      });
    }
    return {
      id: id('msg'),
      type: 'message',
      role: 'assistant',
      model: request.model,
      content,
      stop_reason: reply.stopReason ?? (calls.length > 0 ? 'tool_use' : 'end_turn'),
      stop_sequence: null,
      // input_tokens leaves out what the cache served or took, as Anthropic reports it.
      usage: {
        input_tokens: Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens),
        output_tokens: usage.outputTokens,
        cache_read_input_tokens: usage.cacheReadTokens,
        cache_creation_input_tokens: usage.cacheWriteTokens,
      },
    };
  }
  return {
    id: id('chatcmpl'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          refusal: reply.refusal ?? null,
          ...(calls.length > 0
            ? {
                tool_calls: calls.map((call) => ({
                  id: id('call'),
                  type: 'function',
                  function: {
                    name: call.name,
                    arguments: call.rawArguments ?? JSON.stringify(call.input ?? {}),
                  },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: reply.stopReason ?? (calls.length > 0 ? 'tool_calls' : 'stop'),
      },
    ],
    usage: {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
      prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
    },
  };
}

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function errorBody(api: Api, status: number, message: string): Json {
  if (api === 'anthropic') {
    return { type: 'error', error: { type: ANTHROPIC_ERROR_TYPES[status] ?? 'api_error', message } };
  }
  return {
    error: {
      message,
      type: status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error',
      code: null,
      param: null,
    },
  };
}

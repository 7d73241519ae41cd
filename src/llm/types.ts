/**
 * The provider-neutral model interface. Adapters translate it to each provider's wire format; nothing
 * above src/llm knows which provider answered.
 */

import type { ChatMessage, TokenUsage, ToolCall } from '../../workflows/chat';

export type { ChatMessage, TokenUsage, ToolCall, ToolResult } from '../../workflows/chat';

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's input object. */
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  /** Model name without the provider prefix. */
  model: string;
  system: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  /** Name of a tool the model must call; used for structured output. */
  forceTool?: string;
  maxTokens: number;
  signal?: AbortSignal;
  /** Sent as the Idempotency-Key header: stable across retries of the same call. */
  idempotencyKey?: string;
  /**
   * Text that opens the first user message and is the same on every call of this kind (the goal and
   * context, for instance): sent before the first message's own text, in the same turn.
   */
  stablePrefix?: string;
  /**
   * Ask the provider to cache what repeats: "prefix" marks tools, system prompt and `stablePrefix`, which
   * the next call of this kind reads from the cache; "conversation" marks the newest message too, for a
   * conversation whose next turn resends everything so far. Anthropic needs cache_control marks for this
   * (and caches only prefixes of 1,024 tokens or more, 2,048 for Haiku models); OpenAI caches prefixes of
   * 1,024 tokens or more on its own, marks or not.
   */
  promptCache?: 'prefix' | 'conversation';
}

export interface ModelResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  stopReason: string;
}

export interface ModelClient {
  readonly provider: string;
  complete(request: ModelRequest): Promise<ModelResponse>;
}

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

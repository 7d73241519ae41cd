/**
 * The provider-neutral model interface. Adapters translate it to each provider's wire format; nothing
 * above src/llm knows which provider answered.
 */

export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
  /** Set when the model's arguments could not be parsed as JSON; `input` is then the raw text. */
  inputError?: string;
}

export interface ToolResult {
  toolCallId: string;
  content: string;
  isError: boolean;
}

export type ChatMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: ToolCall[] }
  | { role: 'tool'; results: ToolResult[] };

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
  usage: { inputTokens: number; outputTokens: number };
  stopReason: string;
}

export interface ModelClient {
  readonly provider: string;
  complete(request: ModelRequest): Promise<ModelResponse>;
}

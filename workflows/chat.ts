/**
 * The provider-neutral conversation types that cross the workflow boundary: what an executor turn sends
 * and gets back, and what a tool call returns. src/llm translates them to each provider's wire format.
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

/**
 * Tokens of one model call, or summed over many. `inputTokens` counts every input token, those served from
 * or written to the provider's prompt cache included (Anthropic reports them apart; they are added back),
 * so figures compare across providers; the cache fields say how many of them the cache served or took.
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (priced at the cache-read rate). */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache (priced at the cache-write rate). */
  cacheWriteTokens?: number;
}

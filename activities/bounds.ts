import type { ToolCall } from '../workflows/chat';

/** Model output kept in history at most: text is cut, and an oversized tool call is refused back to the model. */
export const MAX_MODEL_TEXT_CHARS = 64_000;
export const MAX_TOOL_ARGUMENT_CHARS = 256_000;

export function boundModelOutput(
  text: string,
  toolCalls: ToolCall[],
): { text: string; toolCalls: ToolCall[] } {
  const cutText =
    text.length <= MAX_MODEL_TEXT_CHARS
      ? text
      : `${text.slice(0, MAX_MODEL_TEXT_CHARS)}\n[... cut at ${MAX_MODEL_TEXT_CHARS} of ${text.length} characters]`;
  return {
    text: cutText,
    toolCalls: toolCalls.map((call) => {
      const size =
        typeof call.input === 'string' ? call.input.length : JSON.stringify(call.input ?? {}).length;
      if (size <= MAX_TOOL_ARGUMENT_CHARS) return call;
      return {
        id: call.id,
        name: call.name,
        input: {},
        inputError: `arguments too large (${size} characters; the limit is ${MAX_TOOL_ARGUMENT_CHARS}): split the work into smaller calls`,
      };
    }),
  };
}

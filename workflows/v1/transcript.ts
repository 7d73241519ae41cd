// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
import type { ChatMessage } from './activity-types';

/** Upper bound on a step's transcript carried in one executor-turn input, well below Temporal's 2 MB. */
export const MAX_TRANSCRIPT_CHARS = 400_000;

/**
 * The transcript to send with the next executor turn: when it is over the bound, the oldest tool results
 * are replaced by a short note (the model keeps the shape of the conversation and its latest results).
 */
export function compactTranscript(transcript: ChatMessage[], maxChars = MAX_TRANSCRIPT_CHARS): ChatMessage[] {
  let size = JSON.stringify(transcript).length;
  if (size <= maxChars) return transcript;
  const out = transcript.map((m) =>
    m.role === 'tool' ? { ...m, results: m.results.map((r) => ({ ...r })) } : m,
  );
  for (const message of out) {
    if (message.role !== 'tool') continue;
    for (const result of message.results) {
      if (size <= maxChars) return out;
      const note = `[earlier tool result of ${result.content.length} characters left out to keep the run's history small]`;
      size -= result.content.length - note.length;
      result.content = note;
    }
  }
  return out;
}

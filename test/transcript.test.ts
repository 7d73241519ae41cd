import type { ChatMessage } from '../workflows/chat';
import { compactTranscript, MAX_TRANSCRIPT_CHARS } from '../workflows/transcript';

const call = (id: string): ChatMessage => ({
  role: 'assistant',
  text: `calling ${id}`,
  toolCalls: [{ id, name: 'read_file', input: { path: `${id}.txt` } }],
});
const results = (...contents: [string, string][]): ChatMessage => ({
  role: 'tool',
  results: contents.map(([toolCallId, content]) => ({ toolCallId, content, isError: false })),
});
const note = (chars: number) =>
  `[earlier tool result of ${chars} characters left out to keep the run's history small]`;
const size = (t: ChatMessage[]) => JSON.stringify(t).length;

describe('transcript compaction', () => {
  it('leaves a transcript within the bound as it is (the same array)', () => {
    const transcript = [call('c1'), results(['c1', 'x'.repeat(100)])];
    expect(compactTranscript(transcript, size(transcript))).toBe(transcript);
    expect(compactTranscript(transcript)).toBe(transcript);
    expect(MAX_TRANSCRIPT_CHARS).toBe(400_000);
  });

  it('replaces the oldest tool results first, only as many as needed, without touching the input', () => {
    const transcript = [
      call('c1'),
      results(['c1', 'a'.repeat(1_000)], ['c2', 'b'.repeat(1_000)]),
      call('c3'),
      results(['c3', 'c'.repeat(1_000)]),
    ];
    const copy = structuredClone(transcript);
    // One character over: replacing the first result is enough.
    const out = compactTranscript(transcript, size(transcript) - 1);
    expect(out).not.toBe(transcript);
    expect(transcript).toEqual(copy);
    expect(out).toEqual([
      call('c1'),
      results(['c1', note(1_000)], ['c2', 'b'.repeat(1_000)]),
      call('c3'),
      results(['c3', 'c'.repeat(1_000)]),
    ]);
  });

  it('goes on to later results until the transcript fits, and fits afterwards', () => {
    const transcript = [
      call('c1'),
      results(['c1', 'a'.repeat(1_000)], ['c2', 'b'.repeat(1_000)]),
      call('c3'),
      results(['c3', 'c'.repeat(1_000)]),
    ];
    const bound = size(transcript) - 1_500; // more than one result must go
    const out = compactTranscript(transcript, bound);
    expect(out[1]).toEqual(results(['c1', note(1_000)], ['c2', note(1_000)]));
    expect(out[3]).toEqual(results(['c3', 'c'.repeat(1_000)]));
    expect(size(out)).toBeLessThanOrEqual(bound);
  });

  it('replaces every tool result when even that is not enough, and keeps the conversation', () => {
    const transcript = [
      call('c1'),
      results(['c1', 'a'.repeat(500)]),
      call('c2'),
      results(['c2', 'b'.repeat(500)]),
    ];
    const out = compactTranscript(transcript, 10);
    expect(out).toEqual([call('c1'), results(['c1', note(500)]), call('c2'), results(['c2', note(500)])]);
  });

  it('stops as soon as the transcript is exactly at the bound', () => {
    const transcript = [call('c1'), results(['c1', 'a'.repeat(1_000)], ['c2', 'b'.repeat(1_000)])];
    const afterOne = size(transcript) - 1_000 + note(1_000).length;
    const out = compactTranscript(transcript, afterOne);
    expect(out[1]).toEqual(results(['c1', note(1_000)], ['c2', 'b'.repeat(1_000)]));
    expect(size(out)).toBe(afterOne);
  });

  it('counts what a replacement saves exactly, so it never stops one result too early', () => {
    const transcript = [call('c1'), results(['c1', 'a'.repeat(1_000)], ['c2', 'b'.repeat(1_000)])];
    const justUnder = size(transcript) - 1_000 + note(1_000).length - 1;
    const out = compactTranscript(transcript, justUnder);
    expect(out[1]).toEqual(results(['c1', note(1_000)], ['c2', note(1_000)]));
  });
});

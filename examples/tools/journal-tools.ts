/**
 * An example tool module: load it with `npm run worker -- --tools examples/tools/journal-tools.ts`, or name it
 * in a tools config (examples/tools/tools.json). A module exports its tools as `export const tools = [...]`
 * (or `export default`). See README, "Tools".
 */
import { z } from 'zod';
import { defineTool } from '../../src/tools';

/** Read-only: computes from its input, changes nothing; a call cut off by a crash is simply run again. */
export const wordStats = defineTool({
  name: 'word_stats',
  description: 'Count the words, sentences and characters of a text.',
  kind: 'read-only',
  // Answers in milliseconds: at most 5 s lets it run as a local activity (no server round trip).
  timeoutSeconds: 5,
  input: z.object({ text: z.string().max(100_000).describe('The text to measure') }).strict(),
  run({ text }) {
    const words = text.split(/\s+/).filter(Boolean).length;
    const sentences = text.split(/[.!?]+/).filter((s) => s.trim() !== '').length;
    return Promise.resolve(`${words} words, ${sentences} sentences, ${text.length} characters`);
  },
});

/**
 * Side-effecting, and honouring its idempotency key: it records the key of every entry it appended, so a
 * call repeated with the same key (a retry after a crash) appends nothing. Because it says so
 * (`honoursIdempotencyKey`), the worker runs it again after a crash instead of failing the step.
 */
export const appendJournal = defineTool({
  name: 'append_journal',
  description: 'Append an entry to journal.md in the run workspace.',
  kind: 'side-effect',
  honoursIdempotencyKey: true,
  // Appending to a journal in the run's own workspace needs no person's approval.
  policy: 'allow',
  timeoutSeconds: 5,
  input: z.object({ entry: z.string().min(1).max(4_000) }).strict(),
  async run({ entry }, { workspace, idempotencyKey }) {
    // Every path goes through the workspace, which refuses "..", absolute paths, symlinks and hard links.
    const journal = await workspace.readFile('journal.md', 'utf8').catch(() => '');
    const marker = `<!-- ${idempotencyKey} -->`;
    if (journal.includes(marker)) return `Already in journal.md (${idempotencyKey})`;
    await workspace.writeFile('journal.md', `${journal}- ${entry} ${marker}\n`);
    return `Appended to journal.md (${idempotencyKey})`;
  },
});

export const tools = [wordStats, appendJournal];

import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool } from './registry';

/** Under the 32,000-character bound on tool results kept in history, so a piece is never cut. */
const MAX_READ_CHARS = 30_000;
const MAX_WRITE_BYTES = 1_000_000;
const MAX_LIST_ENTRIES = 500;

const RelativePath = z
  .string()
  .min(1)
  .max(1_000)
  .describe('Path relative to the run workspace, e.g. "notes/summary.md"');

export const readFileTool = defineTool({
  name: 'read_file',
  description: `Read a UTF-8 text file from the run workspace: at most ${MAX_READ_CHARS} characters from \`offset\` (default 0); read long files piece by piece.`,
  input: z
    .object({
      path: RelativePath,
      offset: z.number().int().min(0).default(0).describe('First character to return'),
      length: z
        .number()
        .int()
        .min(1)
        .max(MAX_READ_CHARS)
        .default(MAX_READ_CHARS)
        .describe('How many characters to return at most'),
    })
    .strict(),
  async run({ path: relative, offset, length }, { workspace }) {
    const file = await workspace.resolve(relative);
    const content = await readFile(file, 'utf8');
    const piece = content.slice(offset, offset + length);
    const end = offset + piece.length;
    if (offset === 0 && end >= content.length) return piece;
    const more = end < content.length ? `; continue with offset ${end}` : '';
    return `${piece}\n[characters ${offset}-${end} of ${content.length}${more}]`;
  },
});

export const writeFileTool = defineTool({
  name: 'write_file',
  description: 'Create or overwrite a UTF-8 text file in the run workspace. Creates missing folders.',
  input: z
    .object({
      path: RelativePath,
      content: z.string().max(MAX_WRITE_BYTES),
    })
    .strict(),
  async run({ path: relative, content }, { workspace, idempotent }) {
    const file = await workspace.resolve(relative);
    return idempotent(async () => {
      await mkdir(path.dirname(file), { recursive: true });
      // Re-check after mkdir: the folders on the way must still lead nowhere outside.
      await workspace.resolve(relative);
      await writeFile(file, content, 'utf8');
      return `Wrote ${Buffer.byteLength(content)} bytes to ${workspace.relative(file)}`;
    });
  },
});

export const listFilesTool = defineTool({
  name: 'list_files',
  description: 'List files and folders in the run workspace (folders end with "/").',
  input: z
    .object({
      path: RelativePath.default('.'),
      recursive: z.boolean().default(false),
    })
    .strict(),
  async run({ path: relative, recursive }, { workspace }) {
    const dir = await workspace.resolve(relative);
    if (!(await stat(dir)).isDirectory()) return `${relative} is a file, not a folder.`;
    const entries = await readdir(dir, { withFileTypes: true, recursive });
    const lines = entries
      .map((e) => {
        const full = path.join(e.parentPath, e.name);
        return `${path.relative(dir, full)}${e.isDirectory() ? '/' : ''}`;
      })
      .sort();
    if (lines.length === 0) return '(empty)';
    const shown = lines.slice(0, MAX_LIST_ENTRIES).join('\n');
    return lines.length > MAX_LIST_ENTRIES
      ? `${shown}\n[... ${lines.length - MAX_LIST_ENTRIES} more]`
      : shown;
  },
});

export const fileTools = [readFileTool, writeFileTool, listFilesTool];

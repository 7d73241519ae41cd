import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool } from './tool';

/** Under the 32,000-character bound on tool results kept in history, so a piece is never cut. */
const MAX_READ_CHARS = 30_000;
const MAX_WRITE_BYTES = 1_000_000;
const MAX_LIST_ENTRIES = 500;
/** File tools answer in milliseconds: at most 5 s keeps them eligible to run as local activities. */
const FILE_TOOL_TIMEOUT_SECONDS = 5;

const RelativePath = z
  .string()
  .min(1)
  .max(1_000)
  .describe('Path relative to the run workspace, e.g. "notes/summary.md"');

export const readFileTool = defineTool({
  name: 'read_file',
  description: `Read a UTF-8 text file from the run workspace: at most ${MAX_READ_CHARS} characters from \`offset\` (default 0); read long files piece by piece.`,
  kind: 'read-only',
  timeoutSeconds: FILE_TOOL_TIMEOUT_SECONDS,
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
    const content = await workspace.readFile(relative, 'utf8');
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
  // Writing the same whole content again leaves the same file: safe to run again after a crash.
  kind: 'idempotent',
  timeoutSeconds: FILE_TOOL_TIMEOUT_SECONDS,
  input: z
    .object({
      path: RelativePath,
      content: z.string().max(MAX_WRITE_BYTES),
    })
    .strict(),
  async run({ path: relative, content }, { workspace, idempotent }) {
    const file = await workspace.resolve(relative);
    return idempotent(async () => {
      await workspace.writeFile(relative, content);
      return `Wrote ${Buffer.byteLength(content)} bytes to ${workspace.relative(file)}`;
    });
  },
});

export const listFilesTool = defineTool({
  name: 'list_files',
  description: 'List files and folders in the run workspace (folders end with "/").',
  kind: 'read-only',
  timeoutSeconds: FILE_TOOL_TIMEOUT_SECONDS,
  input: z
    .object({
      path: RelativePath.default('.'),
      recursive: z.boolean().default(false),
    })
    .strict(),
  async run({ path: relative, recursive }, { workspace }) {
    const dir = await workspace.resolve(relative);
    if (!(await stat(dir)).isDirectory()) return `${relative} is a file, not a folder.`;
    // readdir does not follow symlinks, recursive or not: a linked folder shows as an entry, not its content.
    const entries = await readdir(dir, { withFileTypes: true, recursive });
    const lines = entries
      .map((e) => {
        const full = path.join(e.parentPath, e.name);
        const mark = e.isDirectory() ? '/' : e.isSymbolicLink() ? ' (symlink, not followed)' : '';
        return `${path.relative(dir, full)}${mark}`;
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

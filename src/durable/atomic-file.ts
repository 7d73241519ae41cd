/**
 * The second half of an atomic write: the data goes into an already opened temporary file, which is then
 * renamed over the target, so a crash leaves either the old file or the whole new one. Callers open the
 * temporary file themselves (each with its own checks against links) and name it with `temporaryNameFor`.
 */
import type { FileHandle } from 'node:fs/promises';
import { closeSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';

/** A name beside `file` no other writer picks: this process's id and a random part. */
export function temporaryNameFor(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
}

/** Write `data` to `handle` (open on `temp`), close it, and rename `temp` to `file`; on failure `temp` is removed. */
export async function commitTemporary(
  handle: FileHandle,
  temp: string,
  file: string,
  data: string | Uint8Array,
): Promise<void> {
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** commitTemporary for a file descriptor, synchronously (small records on the worker's own disk). */
export function commitTemporarySync(fd: number, temp: string, file: string, data: string | Uint8Array): void {
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // Gone already: nothing to clean up.
    }
    throw err;
  }
}

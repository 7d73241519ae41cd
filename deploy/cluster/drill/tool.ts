/**
 * The cluster drill's side-effecting tool: writes a file in the run's workspace and logs "start <key>" and
 * "done <key>" to EFFECT_LOG, so the drill can count whether a call's effect happened once or more. The
 * work sits in `idempotent`, as the tool contract asks: a retry of a call that finished gets the stored
 * result back without writing again.
 */
import { appendFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool } from '../../../src/tools';

export const EFFECT_TOOL = 'record_effect';
/** What worker.ts prints once it polls. */
export const DRILL_WORKER_READY = 'drill worker ready';
/** What the tool answers; the scenario's second executor turn matches on it. */
export const EFFECT_DONE_TEXT = 'effect recorded';
/** How long the effect takes: long enough that a kill can land in the middle of one. */
const EFFECT_MS = 250;

export const recordEffectTool = defineTool({
  name: EFFECT_TOOL,
  description: 'Record an effect: write a file with the given content.',
  // Writes a whole file: the same call again leaves the same file.
  kind: 'idempotent',
  input: z.object({ path: z.string().min(1), content: z.string() }).strict(),
  async run({ path: relative, content }, { workspace, idempotencyKey, idempotent, signal }) {
    const log = process.env.EFFECT_LOG ?? '/dev/null';
    const file = await workspace.resolve(relative);
    return idempotent(async () => {
      appendFileSync(log, `${Date.now()} start ${idempotencyKey} ${process.pid}\n`);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, EFFECT_MS);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('cancelled'));
        });
      });
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
      appendFileSync(log, `${Date.now()} done ${idempotencyKey} ${process.pid}\n`);
      return `${EFFECT_DONE_TEXT}: ${relative}`;
    });
  },
});

/**
 * The worker the crash drills start in its own process (and kill with SIGKILL). The built-in tools plus
 * `slow_write`, a side-effecting tool that takes its time, so a drill can kill the worker in the middle
 * of a tool call, and `place_order` (see side-effect-tools.ts). It logs "<ms> start <key> <pid>" and
 * "<ms> done <key> <pid>" to DRILL_LOG, which is how a drill sees whether the work of a call was done once or
 * twice, and which worker did it. With DRILL_KILL_AFTER_STORE (comma-separated tool names) it kills itself
 * after those tool calls stored their results, before their completions reach the server (see
 * kill-after-store.ts).
 */
import { appendFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool } from '../../src/tools';
import { runWorker } from '../../src/worker/run-worker';
import { installQuietRuntime } from '../helpers/runtime';
import { killAfterStore } from './kill-after-store';
import { sideEffectTools } from './side-effect-tools';

const drillLog = process.env.DRILL_LOG ?? '/dev/null';
const killAfter = (process.env.DRILL_KILL_AFTER_STORE ?? '').split(',').filter(Boolean);

export const slowWriteTool = defineTool({
  name: 'slow_write',
  description: 'Write a file, slowly.',
  kind: 'idempotent',
  input: z
    .object({ path: z.string(), content: z.string(), delayMs: z.number().int().min(0).max(60_000) })
    .strict(),
  async run({ path: relative, content, delayMs }, { workspace, idempotencyKey, idempotent, signal }) {
    const file = await workspace.resolve(relative);
    return idempotent(async () => {
      appendFileSync(drillLog, `${Date.now()} start ${idempotencyKey} ${process.pid}\n`);
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, delayMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('cancelled'));
        });
      });
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
      appendFileSync(drillLog, `${Date.now()} done ${idempotencyKey} ${process.pid}\n`);
      return `Wrote ${content.length} bytes to ${relative}`;
    });
  },
});

installQuietRuntime();
runWorker({
  tools: sideEffectTools().register(slowWriteTool),
  ...(killAfter.length > 0
    ? {
        workerOptions: {
          interceptors: {
            activity: [
              killAfterStore(killAfter, (line) => appendFileSync(drillLog, `${Date.now()} ${line}\n`)),
            ],
          },
        },
      }
    : {}),
  onReady: () => console.log('drill worker ready'),
}).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

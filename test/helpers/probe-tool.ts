/**
 * `probe`: a tool for in-process workers that records every run of its work (idempotency key, start,
 * end), optionally taking its time, so a test can tell whether and when a tool call ran.
 */
import { z } from 'zod';
import { defineTool } from '../../src/tools';

export const PROBE_TOOL = 'probe';

export interface ProbeRun {
  key: string;
  startedAt: number;
  endedAt?: number;
}

export function probeTool(runs: ProbeRun[]) {
  return defineTool({
    name: PROBE_TOOL,
    description: 'Probe the world; answers "probed".',
    kind: 'read-only',
    input: z.object({ delayMs: z.number().int().min(0).max(60_000).default(0) }).strict(),
    async run({ delayMs }, { idempotencyKey, signal }) {
      const run: ProbeRun = { key: idempotencyKey, startedAt: Date.now() };
      runs.push(run);
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, delayMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('cancelled'));
        });
      });
      run.endedAt = Date.now();
      return 'probed';
    },
  });
}

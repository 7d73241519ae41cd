/**
 * The fake model server in a process of its own (forked by the bench): real HTTP on 127.0.0.1, answering
 * both engines. Over IPC it takes a scenario (which also clears the request log) and hands back a summary of
 * the requests it answered since.
 */
import { z } from 'zod';
import { FakeModelServer } from '../src/fake-model/server';
import type { Scenario } from '../src/fake-model/scenario';

const Message = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scenario'), id: z.number(), scenario: z.unknown() }).strict(),
  z.object({ type: z.literal('requests'), id: z.number() }).strict(),
  z.object({ type: z.literal('stop') }).strict(),
]);

/** One answered request, as the bench needs it (the full bodies stay here). */
export interface RequestSummary {
  rule: string | null;
  model: string;
  status: number | null;
  bodyBytes: number;
  startedAt: number;
  endedAt: number | null;
}

async function main(): Promise<void> {
  const fake = new FakeModelServer();
  const url = await fake.start();
  process.on('message', (raw: unknown) => {
    const parsed = Message.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown }).id;
      process.send?.({ type: 'error', id, message: `bad message to the fake host: ${parsed.error.message}` });
      return;
    }
    const m = parsed.data;
    if (m.type === 'stop') {
      void fake.stop().then(() => process.exit(0));
      return;
    }
    try {
      if (m.type === 'scenario') {
        fake.setScenario(m.scenario as Scenario);
        fake.clearRequests();
        process.send?.({ type: 'ok', id: m.id });
      } else {
        const requests: RequestSummary[] = fake.requests.map((r) => ({
          rule: r.rule ?? null,
          model: r.model,
          status: r.status ?? null,
          bodyBytes: r.bodyBytes,
          startedAt: r.startedAt,
          endedAt: r.endedAt ?? null,
        }));
        process.send?.({ type: 'requests', id: m.id, requests });
      }
    } catch (err) {
      process.send?.({ type: 'error', id: m.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
  // The bench went away without stopping this process (it crashed, or was killed): go too.
  process.once('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', url });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/** The bench's handle on the fake model server running in its own process (bench/fake-host.ts). */
import path from 'node:path';
import { z } from 'zod';
import type { Scenario } from '../src/fake-model/scenario';
import { IpcChild } from './child';
import type { RequestSummary } from './fake-host';

const RequestsReply = z
  .object({
    type: z.literal('requests'),
    id: z.number(),
    requests: z.array(
      z
        .object({
          rule: z.string().nullable(),
          model: z.string(),
          status: z.number().nullable(),
          bodyBytes: z.number(),
          startedAt: z.number(),
          endedAt: z.number().nullable(),
        })
        .strict(),
    ),
  })
  .strict();

export class FakeModel {
  private constructor(
    private readonly child: IpcChild,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeModel> {
    const { child, ready } = await IpcChild.start('fake model server', path.join(__dirname, 'fake-host.ts'));
    return new FakeModel(child, z.string().parse(ready.url));
  }

  /** Load a scenario and clear the request log. */
  async setScenario(scenario: Scenario): Promise<void> {
    await this.child.request({ type: 'scenario', scenario });
  }

  async requests(): Promise<RequestSummary[]> {
    return RequestsReply.parse(await this.child.request({ type: 'requests' })).requests;
  }

  /** Every request since the scenario was set was answered by a rule with 200; else what went wrong. */
  async assertAllAnswered(engine: string, expectedCalls: number): Promise<RequestSummary[]> {
    const requests = await this.requests();
    const bad = requests.filter((r) => r.status !== 200);
    if (bad.length > 0) {
      throw new Error(
        `${engine}: ${bad.length} model calls were not answered by the script (first: status ${bad[0]?.status}, model ${bad[0]?.model}); ` +
          'the request matching in bench/work.ts may need adjusting to changed prompts',
      );
    }
    if (requests.length !== expectedCalls) {
      throw new Error(`${engine}: ${requests.length} model calls, expected ${expectedCalls}`);
    }
    return requests;
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}

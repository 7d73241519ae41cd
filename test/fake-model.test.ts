/**
 * The fake model server's request log records the size of each request body as it arrived, in bytes:
 * the bench reads it to show whether re-plan inputs grow with the run.
 */
import Anthropic from '@anthropic-ai/sdk';
import { FakeModelServer } from '../src/fake-model/server';
import { TEST_ANTHROPIC_KEY } from './helpers/harness';

describe('fake model server request log', () => {
  const fake = new FakeModelServer({
    rules: [{ match: {}, repeat: true, reply: { text: 'ok' } }],
  });
  let client: Anthropic;

  beforeAll(async () => {
    client = new Anthropic({ apiKey: TEST_ANTHROPIC_KEY, baseURL: await fake.start(), maxRetries: 0 });
  });
  afterAll(() => fake.stop());

  async function send(content: string): Promise<number> {
    fake.clearRequests();
    await client.messages.create({
      model: 'm',
      max_tokens: 16,
      messages: [{ role: 'user', content }],
    });
    const [recorded] = fake.requests;
    if (!recorded) throw new Error('the request was not recorded');
    // The SDK sends compact JSON, so the body it sent re-serialises to the same bytes.
    expect(recorded.bodyBytes).toBe(Buffer.byteLength(JSON.stringify(recorded.body)));
    return recorded.bodyBytes;
  }

  it('records body sizes in bytes, not characters', async () => {
    const small = await send('a');
    // 5,000 two-byte characters added: the body grows by 10,000 bytes, not 5,000.
    const large = await send('a' + 'é'.repeat(5_000));
    expect(large - small).toBe(10_000);
  });
});

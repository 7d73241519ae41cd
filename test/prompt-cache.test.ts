/**
 * Prompt caching end to end below the workflow: the project's model clients (real SDKs) mark what repeats,
 * the fake model server serves marked prefixes it has seen from its emulated cache, and the usage the
 * clients return counts cached tokens apart. Plus the price table: lookups, overrides, unknown models.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeModelServer } from '../src/fake-model/server';
import { AnthropicModelClient } from '../src/llm/anthropic';
import { OpenAIModelClient } from '../src/llm/openai';
import { loadPriceOverrides, PriceConfigError, PriceTable } from '../src/llm/prices';
import type { ModelRequest } from '../src/llm/types';
import { costOf } from '../workflows/cost';
import { TEST_ANTHROPIC_KEY, TEST_OPENAI_KEY } from './helpers/harness';

const SYSTEM = 'You are a careful assistant. '.repeat(40);
const TOOLS = [
  { name: 'read_file', description: 'Read a file.', inputSchema: { type: 'object', properties: {} } },
];

describe('prompt caching through the model clients and the fake server', () => {
  const fake = new FakeModelServer({ rules: [{ match: {}, repeat: true, reply: { text: 'ok' } }] });
  let anthropic: AnthropicModelClient;
  let openai: OpenAIModelClient;

  beforeAll(async () => {
    const url = await fake.start();
    anthropic = new AnthropicModelClient({ apiKey: TEST_ANTHROPIC_KEY, baseURL: url, timeoutMs: 10_000 });
    openai = new OpenAIModelClient({ apiKey: TEST_OPENAI_KEY, baseURL: `${url}/v1`, timeoutMs: 10_000 });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.clearRequests();
    fake.promptCache.clear();
  });

  const request = (text: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({
    model: 'cache-test',
    system: SYSTEM,
    messages: [{ role: 'user', text }],
    tools: TOOLS,
    maxTokens: 64,
    ...extra,
  });

  it('marks system and stable prefix with cache_control; the second call reads them from the cache', async () => {
    const goal = 'Goal:\nWrite the release notes for version 2. '.repeat(20);
    const first = await anthropic.complete(
      request('First call.', { stablePrefix: goal, promptCache: 'prefix' }),
    );
    const second = await anthropic.complete(
      request('Second call, other text.', { stablePrefix: goal, promptCache: 'prefix' }),
    );
    const [body] = fake.requests.map((r) => r.body);
    expect(body?.system).toEqual([{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }]);
    expect((body?.messages as { content: unknown[] }[])[0]?.content).toEqual([
      { type: 'text', text: goal, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'First call.' },
    ]);
    // The first call wrote the prefix, the second read all of it and wrote nothing new.
    expect(first.usage.cacheReadTokens).toBeUndefined();
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(400);
    expect(second.usage.cacheReadTokens).toBe(first.usage.cacheWriteTokens);
    expect(second.usage.cacheWriteTokens).toBeUndefined();
    // inputTokens counts every input token, cached ones included, as the fake reported them.
    expect(second.usage.inputTokens).toBe(fake.requests[1]?.usage?.inputTokens);
    expect(second.usage.inputTokens).toBeGreaterThan(second.usage.cacheReadTokens ?? 0);
  });

  it('sends no marks and reports no cache without promptCache', async () => {
    await anthropic.complete(request('Plain call.'));
    const plain = await anthropic.complete(request('Plain call again.'));
    expect(fake.requests[0]?.body.system).toBe(SYSTEM);
    expect(JSON.stringify(fake.requests[0]?.body)).not.toContain('cache_control');
    expect(plain.usage.cacheReadTokens).toBeUndefined();
  });

  it('in a conversation the next turn reads everything up to the newest message of the last one', async () => {
    const turn1 = request('Your step: s1', { stablePrefix: 'Overall goal', promptCache: 'conversation' });
    await anthropic.complete(turn1);
    const turn2 = await anthropic.complete({
      ...turn1,
      messages: [
        ...turn1.messages,
        { role: 'assistant', text: '', toolCalls: [{ id: 't1', name: 'read_file', input: {} }] },
        { role: 'tool', results: [{ toolCallId: 't1', content: 'file text', isError: false }] },
      ],
    });
    const firstCall = fake.requests[0]?.usage;
    // Turn 1 wrote its whole prompt (up to its only message); turn 2 read exactly that.
    expect(turn2.usage.cacheReadTokens).toBe(firstCall?.cacheWriteTokens);
    const last = (fake.requests[1]?.body.messages as { content: { cache_control?: unknown }[] }[]).at(-1);
    expect(last?.content.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
  });

  it('OpenAI: a repeated prefix of 1,024 tokens or more is reported as cached_tokens, in steps of 128', async () => {
    const longGoal = 'Context: the project keeps its notes in markdown files. '.repeat(90); // ~1,250 tokens
    const a = await openai.complete(request('First question.', { stablePrefix: longGoal }));
    const b = await openai.complete(request('Second question.', { stablePrefix: longGoal }));
    expect(a.usage.cacheReadTokens).toBeUndefined();
    expect(b.usage.cacheReadTokens).toBeGreaterThanOrEqual(1024);
    expect((b.usage.cacheReadTokens ?? 0) % 128).toBe(0);
    expect(b.usage.inputTokens).toBeGreaterThan(b.usage.cacheReadTokens ?? 0);
    // A short prompt is never cached, however often it repeats.
    await openai.complete(request('Short.'));
    const short = await openai.complete(request('Short.'));
    expect(short.usage.cacheReadTokens).toBeUndefined();
  });
});

describe('price table', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pe-prices-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prices built-in models, their dated snapshots, and nothing else', () => {
    const table = new PriceTable();
    const sonnet = table.lookup('anthropic:claude-sonnet-4-6');
    expect(sonnet).toEqual({
      inputPerMTok: 3,
      outputPerMTok: 15,
      cacheWritePerMTok: 3.75,
      cacheReadPerMTok: 0.3,
    });
    expect(table.lookup('anthropic:claude-sonnet-4-5-20250929')).toEqual(sonnet);
    expect(table.lookup('openai:gpt-4o-mini-2024-07-18')?.inputPerMTok).toBe(0.15);
    expect(table.lookup('anthropic:claude-sonnet-4-6-experimental')).toBeNull();
    expect(table.lookup('openai:qwen2.5:7b')).toBeNull();
  });

  it('costs each kind of token at its own rate', () => {
    const prices = { inputPerMTok: 3, outputPerMTok: 15, cacheWritePerMTok: 3.75, cacheReadPerMTok: 0.3 };
    // 1,000 input of which 600 read and 100 written: 300 plain.
    const usd = costOf(
      { inputTokens: 1_000, outputTokens: 200, cacheReadTokens: 600, cacheWriteTokens: 100 },
      prices,
    );
    expect(usd).toBeCloseTo((300 * 3 + 100 * 3.75 + 600 * 0.3 + 200 * 15) / 1e6, 12);
  });

  it('takes overrides from MODEL_PRICES_FILE and MODEL_PRICES, the variable winning', () => {
    const file = path.join(dir, 'prices.json');
    writeFileSync(
      file,
      JSON.stringify({
        'openai:qwen2.5:7b': { input: 0.2, output: 0.4 },
        'anthropic:claude-haiku-4-5': { input: 9, output: 9 },
      }),
    );
    const overrides = loadPriceOverrides({
      MODEL_PRICES_FILE: file,
      MODEL_PRICES: JSON.stringify({ 'openai:qwen2.5:7b': { input: 0.1, output: 0.3, cacheRead: 0.01 } }),
    });
    const table = new PriceTable(overrides);
    expect(table.lookup('openai:qwen2.5:7b')).toEqual({
      inputPerMTok: 0.1,
      outputPerMTok: 0.3,
      cacheWritePerMTok: 0.1,
      cacheReadPerMTok: 0.01,
    });
    expect(table.lookup('anthropic:claude-haiku-4-5')?.inputPerMTok).toBe(9);
  });

  it('refuses a bad override, naming the source and the field', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ 'openai:x': { input: -1, output: 1 } }));
    expect(() => loadPriceOverrides({ MODEL_PRICES_FILE: file })).toThrow(PriceConfigError);
    expect(() => loadPriceOverrides({ MODEL_PRICES_FILE: file })).toThrow(/bad\.json: openai:x\.input/);
    expect(() => loadPriceOverrides({ MODEL_PRICES: '{"gpt-4o": {"input": 1, "output": 1}}' })).toThrow(
      /MODEL_PRICES: .*provider:model/,
    );
    expect(() => loadPriceOverrides({ MODEL_PRICES_FILE: path.join(dir, 'missing.json') })).toThrow(
      /cannot be read/,
    );
  });
});

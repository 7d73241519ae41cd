/**
 * What models cost, per million tokens, by "provider:model". A dated table of the current Anthropic and
 * OpenAI models ships with the project; a JSON file (MODEL_PRICES_FILE) and/or the MODEL_PRICES variable
 * add models (an OpenAI-compatible server's, a proxy's) or correct prices. A model found nowhere has no
 * price: its tokens are counted and its cost shown as unknown, never guessed from a similar name.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeZodError } from '../../workflows/schemas';
import type { ModelPrices } from '../../workflows/cost';

export type { ModelPrices } from '../../workflows/cost';

/**
 * When the built-in table was compiled, from the providers' pricing pages (standard tier, 5-minute cache
 * writes, prompts under any long-context threshold). Prices change: check them, and override what differs.
 */
export const BUILT_IN_PRICES_AS_OF = '2026-11-20';

/** [input, output, cache write, cache read], USD per million tokens. */
type Row = readonly [number, number, number, number];

const ANTHROPIC: Record<string, Row> = {
  'claude-opus-5': [5, 25, 6.25, 0.5],
  'claude-opus-4-8': [5, 25, 6.25, 0.5],
  'claude-opus-4-7': [5, 25, 6.25, 0.5],
  'claude-opus-4-6': [5, 25, 6.25, 0.5],
  'claude-opus-4-5': [5, 25, 6.25, 0.5],
  'claude-opus-4-1': [15, 75, 18.75, 1.5],
  'claude-opus-4-0': [15, 75, 18.75, 1.5],
  'claude-opus-4': [15, 75, 18.75, 1.5],
  'claude-sonnet-5': [2, 10, 2.5, 0.2],
  'claude-sonnet-4-6': [3, 15, 3.75, 0.3],
  'claude-sonnet-4-5': [3, 15, 3.75, 0.3],
  'claude-sonnet-4-0': [3, 15, 3.75, 0.3],
  'claude-sonnet-4': [3, 15, 3.75, 0.3],
  'claude-3-7-sonnet': [3, 15, 3.75, 0.3],
  'claude-haiku-4-5': [1, 5, 1.25, 0.1],
  'claude-3-5-haiku': [0.8, 4, 1, 0.08],
  'claude-3-haiku': [0.25, 1.25, 0.3, 0.03],
};

/** OpenAI bills no premium for cache writes: they are input tokens at the input price. */
const OPENAI: Record<string, Row> = {
  'gpt-5.4': [2.5, 15, 2.5, 0.25],
  'gpt-5.4-mini': [0.75, 4.5, 0.75, 0.075],
  'gpt-5.2': [1.75, 14, 1.75, 0.175],
  'gpt-5.1': [1.25, 10, 1.25, 0.125],
  'gpt-5': [1.25, 10, 1.25, 0.125],
  'gpt-5-mini': [0.25, 2, 0.25, 0.025],
  'gpt-5-nano': [0.05, 0.4, 0.05, 0.005],
  'gpt-4.1': [2, 8, 2, 0.5],
  'gpt-4.1-mini': [0.4, 1.6, 0.4, 0.1],
  'gpt-4.1-nano': [0.1, 0.4, 0.1, 0.025],
  'gpt-4o': [2.5, 10, 2.5, 1.25],
  'gpt-4o-mini': [0.15, 0.6, 0.15, 0.075],
  o3: [2, 8, 2, 0.5],
  'o4-mini': [1.1, 4.4, 1.1, 0.275],
};

const fromRow = ([input, output, write, read]: Row): ModelPrices => ({
  inputPerMTok: input,
  outputPerMTok: output,
  cacheWritePerMTok: write,
  cacheReadPerMTok: read,
});

export const BUILT_IN_PRICES: Readonly<Record<string, ModelPrices>> = Object.fromEntries([
  ...Object.entries(ANTHROPIC).map(([m, row]) => [`anthropic:${m}`, fromRow(row)] as const),
  ...Object.entries(OPENAI).map(([m, row]) => [`openai:${m}`, fromRow(row)] as const),
]);

const Price = z.number().min(0).max(10_000);

/** One model's prices in an override: cache prices default to the input price (no cache discount or premium). */
const PriceOverrideSchema = z
  .object({
    input: Price,
    output: Price,
    cacheWrite: Price.optional(),
    cacheRead: Price.optional(),
  })
  .strict();

/** `{ "provider:model": { "input": 3, "output": 15, "cacheWrite": 3.75, "cacheRead": 0.3 }, ... }`, USD per million tokens. */
export const PriceOverridesSchema = z.record(
  z.string().regex(/^(anthropic|openai):\S+$/, 'must be "provider:model", e.g. "openai:qwen2.5:7b"'),
  PriceOverrideSchema,
);
export type PriceOverrides = z.output<typeof PriceOverridesSchema>;

export class PriceConfigError extends Error {
  override readonly name = 'PriceConfigError';
}

/** Parse overrides from JSON text; `source` names where it came from in the error. */
export function parsePriceOverrides(json: string, source: string): PriceOverrides {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new PriceConfigError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = PriceOverridesSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PriceConfigError(
      `${source}: ${describeZodError(parsed.error)} (expected {"provider:model": {"input": N, "output": N, "cacheWrite"?: N, "cacheRead"?: N}}, USD per million tokens)`,
    );
  }
  return parsed.data;
}

/** Overrides from MODEL_PRICES_FILE, then MODEL_PRICES (which wins where both name a model). */
export function loadPriceOverrides(env: NodeJS.ProcessEnv = process.env): PriceOverrides {
  const file = env.MODEL_PRICES_FILE?.trim();
  let overrides: PriceOverrides = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new PriceConfigError(`MODEL_PRICES_FILE ${file} cannot be read: ${(err as Error).message}`);
    }
    overrides = parsePriceOverrides(text, `MODEL_PRICES_FILE ${file}`);
  }
  const inline = env.MODEL_PRICES?.trim();
  if (inline) overrides = { ...overrides, ...parsePriceOverrides(inline, 'MODEL_PRICES') };
  return overrides;
}

/** Prices by "provider:model": overrides first, then the built-in table. */
export class PriceTable {
  private readonly prices = new Map<string, ModelPrices>();

  constructor(
    overrides: PriceOverrides = {},
    builtIn: Readonly<Record<string, ModelPrices>> = BUILT_IN_PRICES,
  ) {
    for (const [spec, p] of Object.entries(builtIn)) this.prices.set(spec, p);
    for (const [spec, p] of Object.entries(overrides)) {
      this.prices.set(spec, {
        inputPerMTok: p.input,
        outputPerMTok: p.output,
        cacheWritePerMTok: p.cacheWrite ?? p.input,
        cacheReadPerMTok: p.cacheRead ?? p.input,
      });
    }
  }

  /**
   * The prices of `spec`, or null. A dated snapshot ("claude-sonnet-4-5-20250929", "gpt-4o-2024-08-06") or a
   * "-latest" alias takes the prices of its base name; nothing else is inferred from the name.
   */
  lookup(spec: string): ModelPrices | null {
    const exact = this.prices.get(spec);
    if (exact) return exact;
    const base = spec.replace(/-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/, '');
    return this.prices.get(base) ?? null;
  }
}

import type { PriceTable } from '../src/llm/prices';
import type { TokenUsage } from '../workflows/chat';
import { costOf, type Billed } from '../workflows/cost';

/**
 * A model call's usage with its price by the worker's table: part of the call's recorded result, so the
 * workflow adds up the same dollars on every replay whatever the table says by then.
 */
export function billed(prices: PriceTable, modelSpec: string, usage: TokenUsage): Required<Billed> {
  const unit = prices.lookup(modelSpec);
  return { usage, costUsd: unit ? costOf(usage, unit) : null, prices: unit };
}

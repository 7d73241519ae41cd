/**
 * Dollars and tokens: what one model call cost, and the sums a run keeps (per call, per step, per role and
 * model, per run). Prices are looked up on the worker (src/llm/prices.ts) and come back inside each model
 * call's recorded result, so the workflow only adds up what history holds and replays the same.
 *
 * An unknown price stays unknown: a call without one has cost `null`, and a sum with such a call in it
 * counts it in `unpricedCalls` rather than adding 0, so nothing shows a cost it cannot know.
 */
import type { TokenUsage } from './chat';

/** US dollars per million tokens of one model. */
export interface ModelPrices {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Input tokens written to the prompt cache (Anthropic: 1.25x input; OpenAI: the input price). */
  cacheWritePerMTok: number;
  /** Input tokens read from the prompt cache. */
  cacheReadPerMTok: number;
}

/**
 * What a model-call activity returns beside its output. Optional so results recorded before costs were
 * kept still decode; a missing cost counts as unknown.
 */
export interface Billed {
  usage: TokenUsage;
  /** Dollars the call cost by the worker's price table; null when the model has no price there. */
  costUsd?: number | null;
  /** The model's unit prices, so the workflow can estimate its next call before making it. */
  prices?: ModelPrices | null;
}

/** The cost of `usage` at `prices`: uncached input, cache writes, cache reads and output each at their rate. */
export function costOf(usage: TokenUsage, prices: ModelPrices): number {
  const read = usage.cacheReadTokens ?? 0;
  const write = usage.cacheWriteTokens ?? 0;
  const plain = Math.max(0, usage.inputTokens - read - write);
  return (
    (plain * prices.inputPerMTok +
      write * prices.cacheWritePerMTok +
      read * prices.cacheReadPerMTok +
      usage.outputTokens * prices.outputPerMTok) /
    1_000_000
  );
}

/** A sum of calls' costs: the priced part, and how many calls had no price (then the sum is a lower bound). */
export interface CostSum {
  /** Dollars of the priced calls; null when no call in the sum had a price. */
  costUsd: number | null;
  unpricedCalls: number;
}

/** Add one call's cost (null: unknown) to a sum, in place. */
export function addCost(sum: CostSum, cost: number | null | undefined): void {
  if (cost === null || cost === undefined) sum.unpricedCalls += 1;
  else sum.costUsd = (sum.costUsd ?? 0) + cost;
}

/** Add two sums. */
export function plusCost(a: CostSum, b: CostSum): CostSum {
  return {
    costUsd: a.costUsd === null && b.costUsd === null ? null : (a.costUsd ?? 0) + (b.costUsd ?? 0),
    unpricedCalls: a.unpricedCalls + b.unpricedCalls,
  };
}

/** Tokens, dollars and time of a set of model calls (a step's, a role's, the run's). */
export interface CallTotals extends CostSum {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Time the calls took in the worker, summed. */
  ms: number;
}

export function emptyTotals(): CallTotals {
  return {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: null,
    unpricedCalls: 0,
    ms: 0,
  };
}

/** Add one call to totals, in place. */
export function addCall(
  totals: CallTotals,
  usage: TokenUsage,
  cost: number | null | undefined,
  ms: number,
): void {
  totals.calls += 1;
  totals.inputTokens += usage.inputTokens;
  totals.outputTokens += usage.outputTokens;
  totals.cacheReadTokens += usage.cacheReadTokens ?? 0;
  totals.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
  totals.ms += ms;
  addCost(totals, cost);
}

/** One model call as the run keeps it (the most recent MAX_CALLS_KEPT of them; see RunSpend). */
export interface CallRecord {
  seq: number;
  at: string;
  role: 'planner' | 'executor' | 'replanner';
  model: string;
  stepId?: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number | null;
  ms: number;
  /** Attempts it took (more than 1: retried after a failed attempt). */
  attempts: number;
  /** A corrective re-ask after invalid structured output. */
  reask?: boolean;
}

/** Model calls kept one by one in state; older ones are counted in `callsTotal` and summed elsewhere. */
export const MAX_CALLS_KEPT = 200;

/** What the run spent beyond the per-role totals: the recent calls, retries, re-asks, reused steps. */
export interface RunSpend {
  callsTotal: number;
  calls: CallRecord[];
  /** Calls that took more than one attempt, and the extra attempts in all (failed attempts bill nothing known). */
  retriedCalls: number;
  extraAttempts: number;
  /** Corrective re-asks after invalid planner or re-planner output, and what they cost. */
  reasks: CallTotals;
  /** Steps that took the result of a finished step with the same inputs instead of running. */
  reusedSteps: number;
}

export function emptySpend(): RunSpend {
  return {
    callsTotal: 0,
    calls: [],
    retriedCalls: 0,
    extraAttempts: 0,
    reasks: emptyTotals(),
    reusedSteps: 0,
  };
}

/**
 * Dollars for people: "$0.0123", "unknown" (no call had a price), "≥ $0.0123 (2 calls unpriced)", or "$0"
 * (no call at all).
 */
export function formatUsd(sum: CostSum | { costUsd?: number | null; unpricedCalls?: number }): string {
  const unpriced = sum.unpricedCalls ?? 0;
  if (sum.costUsd === null || sum.costUsd === undefined) return unpriced > 0 ? 'unknown' : '$0';
  const usd = `$${roundUsd(sum.costUsd)}`;
  return unpriced > 0 ? `≥ ${usd} (${unpriced} calls unpriced)` : usd;
}

/** Three significant digits below a dollar (fractions of a cent stay visible), cents above; no float noise. */
export function roundUsd(usd: number): string {
  if (usd <= 0) return '0';
  if (usd >= 1) return usd.toFixed(2);
  return usd.toFixed(Math.min(8, Math.max(2, 2 - Math.floor(Math.log10(usd)))));
}

/**
 * A run's budget as data, and the pure rules over it: the limits (dollars, tokens, minutes), what people
 * added, what the run waits for, and whether the next call may start. No clocks or Temporal calls here:
 * workflows/budget.ts applies them.
 */
import { roundUsd } from './cost';
import type { RunOptions } from './schemas';

export type BudgetKind = 'usd' | 'tokens' | 'minutes';

export interface BudgetLimits {
  usd?: number;
  tokens?: number;
  minutes?: number;
}

export interface BudgetExtension {
  at: string;
  addUsd?: number;
  addTokens?: number;
  addMinutes?: number;
  reason?: string;
}

/** What the run has spent, as the budget counts it. */
export interface BudgetSpent {
  /** Dollars of the calls with a price. */
  usd: number;
  /** Calls without a price: the dollar budget cannot count them (the token budget can). */
  unpricedCalls: number;
  /** Input and output tokens of every model call. */
  tokens: number;
  /** Run time in minutes: since the start, without the time spent waiting for people. */
  minutes: number;
}

export interface BudgetWait {
  since: string;
  kind: BudgetKind;
  message: string;
  spent: BudgetSpent;
}

export interface BudgetState {
  /** The limits now, people's extensions included. */
  limits: BudgetLimits;
  extensions: BudgetExtension[];
  /** Set while a call waits for a person to extend the budget (status awaiting_budget). */
  waiting?: BudgetWait;
  /** Times the run stopped at its budget. */
  stops: number;
}

/** Extensions a run accepts in all: each is kept in state. */
export const MAX_BUDGET_EXTENSIONS = 100;

export function initialBudget(options: RunOptions): BudgetState | undefined {
  const { budgetUsd, budgetTokens, budgetMinutes } = options;
  if (budgetUsd === undefined && budgetTokens === undefined && budgetMinutes === undefined) return undefined;
  return {
    limits: {
      ...(budgetUsd !== undefined ? { usd: budgetUsd } : {}),
      ...(budgetTokens !== undefined ? { tokens: budgetTokens } : {}),
      ...(budgetMinutes !== undefined ? { minutes: budgetMinutes } : {}),
    },
    extensions: [],
    stops: 0,
  };
}

/**
 * The limit the next call would break, or undefined when it may start. A limit is reached when what was
 * spent meets it, or when the estimate of the next call (its input, at its model's prices) would take the
 * spending past it; so a run overshoots by at most the error of one estimate (the first call of a kind has
 * no estimate: at most that one call).
 */
export function limitReached(
  limits: BudgetLimits,
  spent: BudgetSpent,
  next: { usd: number; tokens: number },
): { kind: BudgetKind; message: string } | undefined {
  if (limits.usd !== undefined && (spent.usd >= limits.usd || spent.usd + next.usd > limits.usd)) {
    const unpriced =
      spent.unpricedCalls > 0 ? ` (${spent.unpricedCalls} calls without a price not counted)` : '';
    const why =
      spent.usd >= limits.usd
        ? 'reached'
        : `would be passed by the next call (estimated at $${roundUsd(next.usd)})`;
    return {
      kind: 'usd',
      message: `dollar budget ${why}: spent $${roundUsd(spent.usd)}${unpriced} of $${roundUsd(limits.usd)}`,
    };
  }
  if (
    limits.tokens !== undefined &&
    (spent.tokens >= limits.tokens || spent.tokens + next.tokens > limits.tokens)
  ) {
    const why =
      spent.tokens >= limits.tokens
        ? 'reached'
        : `would be passed by the next call (estimated at ${next.tokens} input tokens)`;
    return {
      kind: 'tokens',
      message: `token budget ${why}: spent ${spent.tokens} of ${limits.tokens} tokens`,
    };
  }
  if (limits.minutes !== undefined && spent.minutes >= limits.minutes) {
    return {
      kind: 'minutes',
      message: `time budget reached: ran ${spent.minutes.toFixed(2)} of ${limits.minutes} minutes (time waiting for people not counted)`,
    };
  }
  return undefined;
}

/** How to raise each kind of limit from the command line, for messages. */
export const EXTEND_HINT: Record<BudgetKind, string> = {
  usd: '--add-usd',
  tokens: '--add-tokens',
  minutes: '--add-minutes',
};

/** "$1, 20000 tokens, 10 minutes" */
export function describeLimits(limits: { usd?: number; tokens?: number; minutes?: number }): string {
  const parts: string[] = [];
  // toPrecision: sums of extensions print as people typed them ($0.51, not $0.51000000000000001).
  if (limits.usd !== undefined) parts.push(`$${Number(limits.usd.toPrecision(9))}`);
  if (limits.tokens !== undefined) parts.push(`${limits.tokens} tokens`);
  if (limits.minutes !== undefined) parts.push(`${Number(limits.minutes.toPrecision(9))} minutes`);
  return parts.join(', ') || 'none';
}

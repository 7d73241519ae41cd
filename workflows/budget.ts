/**
 * The budget gate: every model and tool call passes it (Calls.invoke), right after the pause gate. When a
 * limit is reached no new call starts (calls in flight finish); the run then waits in status
 * awaiting_budget, durably, until a person extends the budget (the `budget` update) or cancels, or with
 * options.onBudgetExhausted "end" it stops and ends with endReason "budget_exhausted".
 *
 * The check uses what was spent, plus what calls in flight are expected to cost, plus an estimate of the
 * next call (its lane's last input, at its model's prices), all taken from recorded activity results.
 */
import { ApplicationFailure, condition } from '@temporalio/workflow';
import type { Timed } from './activity-contract';
import type { TokenUsage } from './chat';
import { costOf, type Billed, type ModelPrices } from './cost';
import type { BudgetPayload, ControlAck } from './messages';
import { PlanEditError } from './plan-edits';
import {
  describeLimits,
  EXTEND_HINT,
  limitReached,
  MAX_BUDGET_EXTENSIONS,
  type BudgetKind,
  type BudgetSpent,
} from './budget-state';
import type { RunCore } from './run-core';
import { now } from './run-core';
import { runMinutes } from './status-time';
import { runTotals } from './usage';

/** Thrown by the gate when the budget is reached and options.onBudgetExhausted is "end". */
export class BudgetStop extends ApplicationFailure {
  constructor(message: string) {
    super(message, 'BudgetExhausted', true);
  }
}

/** A call admitted by the gate: what it was expected to cost, released when it returns. */
export interface Ticket {
  lane: string;
  usd: number;
  tokens: number;
}

export class Budget {
  private counted = false;
  private spentUsd = 0;
  private unpriced = 0;
  private spentTokens = 0;
  private reservedUsd = 0;
  private reservedTokens = 0;
  private inFlight = 0;
  private waiters = 0;
  /** The last call of each lane: its input is the estimate of the next one. */
  private readonly lastInput = new Map<string, TokenUsage>();
  private readonly lanePrices = new Map<string, ModelPrices | null>();
  private readonly unpricedWarned = new Set<string>();

  constructor(private readonly core: RunCore) {}

  /**
   * Before a call of `lane`: wait at the pause gate, then while a limit is reached wait for a person (or
   * stop the run). Returns the ticket to hand back with the result.
   */
  async admit(lane: string, isModelCall: boolean): Promise<Ticket | undefined> {
    for (;;) {
      const paused = this.core.checkpoint();
      if (paused) await paused;
      const budget = this.core.state.budget;
      if (!budget) return undefined;
      const next = isModelCall ? this.estimate(lane) : { usd: 0, tokens: 0 };
      const reached = limitReached(budget.limits, this.spent(), next);
      if (!reached) {
        this.reservedUsd += next.usd;
        this.reservedTokens += next.tokens;
        this.inFlight += 1;
        return { lane, ...next };
      }
      if (this.core.input.options.onBudgetExhausted === 'end') {
        throw new BudgetStop(`Stopped at the budget: ${reached.message}. ${this.core.doneSummary()}`);
      }
      await this.waitForMore(reached.kind, reached.message, next);
    }
  }

  /** A call admitted by `ticket` returned `result`: count what it really cost. */
  settle(ticket: Ticket | undefined, result: Timed & Partial<Billed>): void {
    if (!ticket) return;
    this.inFlight -= 1;
    this.reservedUsd -= ticket.usd;
    this.reservedTokens -= ticket.tokens;
    if (!result.usage) return;
    this.count();
    this.spentTokens += result.usage.inputTokens + result.usage.outputTokens;
    if (result.costUsd === null || result.costUsd === undefined) {
      this.unpriced += 1;
      this.warnUnpriced(ticket.lane);
    } else {
      this.spentUsd += result.costUsd;
    }
    this.lastInput.set(ticket.lane, result.usage);
    this.lanePrices.set(ticket.lane, result.prices ?? null);
  }

  /** A call admitted by `ticket` failed: it spent nothing the run knows of. */
  release(ticket: Ticket | undefined): void {
    if (!ticket) return;
    this.inFlight -= 1;
    this.reservedUsd -= ticket.usd;
    this.reservedTokens -= ticket.tokens;
  }

  /** Whether the run has a budget (a run without one never waits here). */
  get active(): boolean {
    return this.core.state.budget !== undefined;
  }

  /** Calls admitted and not yet returned. */
  get callsInFlight(): number {
    return this.inFlight;
  }

  /** What was spent so far, as the budget counts it (minutes: run time without waits for people). */
  spent(): BudgetSpent {
    this.count();
    return {
      usd: this.spentUsd + this.reservedUsd,
      unpricedCalls: this.unpriced,
      tokens: this.spentTokens + this.reservedTokens,
      minutes: runMinutes(this.core.state, Date.now()),
    };
  }

  // ---- people's extensions ---------------------------------------------------------------------

  checkExtend(payload: BudgetPayload): void {
    const { core } = this;
    if (core.ended()) throw new PlanEditError(`the run has ended (status: ${core.state.status})`);
    const budget = core.state.budget;
    if (!budget) {
      throw new PlanEditError(
        'the run has no budget to extend (start it with --budget-usd, --budget-tokens or --budget-minutes)',
      );
    }
    if (budget.extensions.length >= MAX_BUDGET_EXTENSIONS) {
      throw new PlanEditError(
        `the run already has ${MAX_BUDGET_EXTENSIONS} budget extensions, the most it keeps`,
      );
    }
    const missing: string[] = [];
    if (payload.addUsd !== undefined && budget.limits.usd === undefined) missing.push('dollar (--add-usd)');
    if (payload.addTokens !== undefined && budget.limits.tokens === undefined)
      missing.push('token (--add-tokens)');
    if (payload.addMinutes !== undefined && budget.limits.minutes === undefined)
      missing.push('time (--add-minutes)');
    if (missing.length > 0) {
      const has = (Object.keys(budget.limits) as BudgetKind[]).map((k) => EXTEND_HINT[k]).join(', ');
      throw new PlanEditError(
        `the run has no ${missing.join(' or ')} budget; it can be extended with: ${has}`,
      );
    }
  }

  extend(payload: BudgetPayload): ControlAck {
    const { core } = this;
    const budget = core.state.budget;
    if (!budget) throw new PlanEditError('the run has no budget');
    const { limits } = budget;
    if (payload.addUsd !== undefined) limits.usd = (limits.usd ?? 0) + payload.addUsd;
    if (payload.addTokens !== undefined) limits.tokens = (limits.tokens ?? 0) + payload.addTokens;
    if (payload.addMinutes !== undefined) limits.minutes = (limits.minutes ?? 0) + payload.addMinutes;
    budget.extensions.push({ at: now(), ...payload });
    const message = `budget is now ${describeLimits(limits)}`;
    core.event(
      'budget_extended',
      `A person extended the budget${payload.reason ? ` (${payload.reason})` : ''}: ${message}.`,
    );
    return {
      planVersion: core.state.plan.version,
      status: core.state.status,
      message,
    };
  }

  // ---- internals -------------------------------------------------------------------------------

  /** The next call of `lane`: as many input tokens as its last call, at its model's prices. */
  private estimate(lane: string): { usd: number; tokens: number } {
    const last = this.lastInput.get(lane);
    if (!last) return { usd: 0, tokens: 0 };
    const prices = this.lanePrices.get(lane);
    const input: TokenUsage = {
      inputTokens: last.inputTokens,
      outputTokens: 0,
      ...(last.cacheReadTokens ? { cacheReadTokens: last.cacheReadTokens } : {}),
    };
    return { usd: prices ? costOf(input, prices) : 0, tokens: last.inputTokens };
  }

  private async waitForMore(
    kind: BudgetKind,
    message: string,
    next: { usd: number; tokens: number },
  ): Promise<void> {
    const { core } = this;
    const budget = core.state.budget;
    if (!budget) return;
    this.waiters += 1;
    if (!budget.waiting) {
      const spent = this.spent();
      budget.waiting = { since: now(), kind, message, spent };
      budget.stops += 1;
      core.event(
        'budget_exhausted',
        `No new call starts: ${message}. Waiting for a person: \`agent budget <id> ${EXTEND_HINT[kind]} N\` to go on, or \`agent cancel <id>\`.`,
      );
      core.refreshStatus();
    }
    try {
      await condition(() => !limitReached(budget.limits, this.spent(), next));
    } finally {
      this.waiters -= 1;
      if (this.waiters === 0 && budget.waiting) {
        budget.waiting = undefined;
        core.refreshStatus();
      }
    }
  }

  /** The counters start from the usage the state holds (a continued run's included), once. */
  private count(): void {
    if (this.counted) return;
    this.counted = true;
    const totals = runTotals(this.core.state.usage);
    this.spentUsd = totals.costUsd ?? 0;
    this.unpriced = totals.unpricedCalls;
    this.spentTokens = totals.inputTokens + totals.outputTokens;
  }

  private warnUnpriced(lane: string): void {
    if (this.core.state.budget?.limits.usd === undefined || this.unpricedWarned.has(lane)) return;
    this.unpricedWarned.add(lane);
    this.core.event(
      'budget_unpriced',
      `The ${lane} model has no price, so the dollar budget cannot count its calls; add its price (MODEL_PRICES_FILE) or use a token budget.`,
    );
  }
}

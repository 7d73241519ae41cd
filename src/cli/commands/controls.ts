/**
 * Commands that steer a run. Each prints the state the command produced (plan version and status, and
 * any notes); cancel waits for the run to close and prints how it ended. Reasons the CLI sends by default
 * say who did what, so the plan's revision log and the event log never read "no reason given".
 */
import { editFromFlags } from '../edit-ops';
import { formatAck, formatCancelOutcome } from '../format';
import { amountFlag, decimalFlag } from '../flag-rules';
import { UsageError } from '../usage-error';
import { print, requireArg, runArg, text, type CommandContext } from './context';
import type { ControlAck } from '../../../workflows/messages';

export const BY_CLI = 'by a person with the CLI';

function printAck(ctx: CommandContext, ack: ControlAck): number {
  print(ctx, ack, () => formatAck(ack));
  return 0;
}

export async function approve(ctx: CommandContext): Promise<number> {
  const edit = editFromFlags(ctx.values);
  const reason = edit?.reason ?? (edit ? `edited on approval ${BY_CLI}` : `approved ${BY_CLI}`);
  const run = await runArg(ctx);
  return printAck(ctx, await run.approve({ ...(edit ? { ops: edit.ops } : {}), reason }));
}

export async function reject(ctx: CommandContext): Promise<number> {
  const reason = requireArg(ctx, text(ctx, 'reason'), '--reason (why the plan is rejected)');
  return printAck(ctx, await (await runArg(ctx)).reject(reason));
}

export async function edit(ctx: CommandContext): Promise<number> {
  const edit = editFromFlags(ctx.values);
  if (!edit) throw new UsageError(`edit needs at least one change.\n${ctx.usage}`);
  const run = await runArg(ctx);
  return printAck(ctx, await run.edit(edit.ops, { reason: edit.reason ?? `edited ${BY_CLI}` }));
}

export async function pause(ctx: CommandContext): Promise<number> {
  const run = await runArg(ctx);
  return printAck(ctx, await run.pause({ reason: text(ctx, 'reason') ?? `paused ${BY_CLI}` }));
}

export async function resume(ctx: CommandContext): Promise<number> {
  return printAck(ctx, await (await runArg(ctx)).resume());
}

export async function cancel(ctx: CommandContext): Promise<number> {
  const run = await runArg(ctx);
  const outcome = await run.cancel({ reason: text(ctx, 'reason') ?? `cancelled ${BY_CLI}` });
  print(
    ctx,
    {
      ...outcome.ack,
      execution: outcome.execution,
      final: outcome.state
        ? {
            planVersion: outcome.state.plan.version,
            status: outcome.state.status,
            endReason: outcome.state.endReason ?? null,
            endMessage: outcome.state.endMessage ?? null,
          }
        : null,
    },
    () => formatCancelOutcome(outcome),
  );
  return outcome.execution === 'RUNNING' ? 1 : 0;
}

export async function advise(ctx: CommandContext): Promise<number> {
  const note = requireArg(ctx, ctx.positionals[1], 'the note (in quotes)');
  return printAck(ctx, await (await runArg(ctx)).advise(note));
}

export async function answer(ctx: CommandContext): Promise<number> {
  const answer = requireArg(ctx, ctx.positionals[1], 'the answer (in quotes)');
  const questionId = text(ctx, 'question');
  return printAck(
    ctx,
    await (await runArg(ctx)).answer(answer, questionId !== undefined ? { questionId } : {}),
  );
}

export async function approveCall(ctx: CommandContext): Promise<number> {
  const callId = requireArg(ctx, ctx.positionals[1], 'the call id (status shows it)');
  const reason = text(ctx, 'reason');
  return printAck(ctx, await (await runArg(ctx)).approveCall(callId, reason !== undefined ? { reason } : {}));
}

export async function denyCall(ctx: CommandContext): Promise<number> {
  const callId = requireArg(ctx, ctx.positionals[1], 'the call id (status shows it)');
  const reason = requireArg(ctx, text(ctx, 'reason'), '--reason (what the model is told)');
  return printAck(ctx, await (await runArg(ctx)).denyCall(callId, reason));
}

/** Extends the budget: `--add-usd N`, `--add-tokens N`, `--add-minutes N` (any of them). */
export async function budget(ctx: CommandContext): Promise<number> {
  const usd = text(ctx, 'add-usd');
  const tokens = text(ctx, 'add-tokens');
  const minutes = text(ctx, 'add-minutes');
  if (usd === undefined && tokens === undefined && minutes === undefined) {
    throw new UsageError(`budget needs --add-usd N, --add-tokens N or --add-minutes N.\n${ctx.usage}`);
  }
  const reason = text(ctx, 'reason');
  const run = await runArg(ctx);
  return printAck(
    ctx,
    await run.extendBudget({
      ...(usd !== undefined ? { addUsd: amountFlag('add-usd', usd) } : {}),
      ...(tokens !== undefined ? { addTokens: decimalFlag('add-tokens', tokens) } : {}),
      ...(minutes !== undefined ? { addMinutes: amountFlag('add-minutes', minutes) } : {}),
      reason: reason ?? `extended ${BY_CLI}`,
    }),
  );
}

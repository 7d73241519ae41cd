/** Commands that start and read runs: start, status, result, list, watch, report. */
import { decimalFlag } from '../flag-rules';
import { formatEvent, formatState, oneLine } from '../format';
import { runFromFlags } from '../run-input';
import { formatReport } from '../../report';
import { UsageError } from '../usage-error';
import { watchCommand } from '../watch';
import { print, requireArg, runArg, type CommandContext } from './context';
import { printOutcome } from './outcome';

export async function start(ctx: CommandContext): Promise<number> {
  const { goal, options } = runFromFlags(ctx.positionals[0], ctx.values, ctx.config);
  const runs = await ctx.runs();
  const run = await runs.start(goal, options);
  const ui = run.uiUrl ?? null;
  const started = [
    `Started ${run.workflowId}`,
    `  run id: ${run.firstRunId ?? ''}`,
    `  web UI: ${ui ?? '(set TEMPORAL_UI_URL for a link)'}`,
  ].join('\n');
  if (!ctx.values.wait) {
    print(ctx, { workflowId: run.workflowId, runId: run.firstRunId, ui }, () => started);
    return 0;
  }
  if (!ctx.json) console.log(started);
  for await (const change of run.watch()) {
    if (change.type === 'event' && !ctx.json) console.log(formatEvent(change.event));
  }
  return printOutcome(ctx, run, { ui });
}

export async function status(ctx: CommandContext): Promise<number> {
  const run = await runArg(ctx);
  const { execution } = await run.describe();
  try {
    const state = await run.state();
    print(ctx, { workflowId: run.workflowId, execution, ...state }, () =>
      [`${run.workflowId} (${execution})`, formatState(state)].join('\n'),
    );
  } catch (err) {
    print(
      ctx,
      { workflowId: run.workflowId, execution },
      () =>
        `${run.workflowId}: ${execution}\n(no worker answered the state query: ${oneLine((err as Error).message, 300)}; start one with \`npm run worker\`)`,
    );
  }
  return 0;
}

export async function result(ctx: CommandContext): Promise<number> {
  const run = await runArg(ctx);
  if (!ctx.json) console.error(`Waiting for ${run.workflowId} to end...`);
  return printOutcome(ctx, run);
}

export async function list(ctx: CommandContext): Promise<number> {
  const { values } = ctx;
  const limit = typeof values.limit === 'string' ? decimalFlag('limit', values.limit) : 20;
  const minCost = values['min-cost'];
  if (typeof minCost === 'string' && !/^\d+(\.\d+)?$/.test(minCost)) {
    throw new UsageError(`--min-cost takes dollars as a plain decimal number, e.g. 0.50; got "${minCost}".`);
  }
  const rows: { workflowId: string; execution: string; status: string; startTime: string }[] = [];
  const filter = {
    limit,
    ...(typeof values.status === 'string' ? { status: values.status } : {}),
    ...(values['needs-person'] === true ? { needsPerson: true } : {}),
    ...(typeof minCost === 'string' ? { minCostUsd: Number(minCost) } : {}),
    ...(typeof values.query === 'string' ? { query: values.query } : {}),
  };
  for await (const run of (await ctx.runs()).list(filter)) {
    rows.push({
      workflowId: run.workflowId,
      execution: run.execution,
      status: run.status ?? '',
      startTime: run.startTime.toISOString(),
    });
  }
  print(ctx, rows, () =>
    rows.length === 0
      ? '(no runs)'
      : rows
          .map(
            (r) =>
              `${r.startTime}  ${r.execution.padEnd(11)} ${oneLine(r.status, 20).padEnd(18)} ${oneLine(r.workflowId, 300)}`,
          )
          .join('\n'),
  );
  return 0;
}

export async function watch(ctx: CommandContext): Promise<number> {
  requireArg(ctx, ctx.positionals[0], 'the workflow id');
  const { state, execution } = await watchCommand(await runArg(ctx));
  return execution === 'FAILED' || state?.status === 'failed' ? 1 : 0;
}

/** The plan-quality report of a run, running or ended (a worker must answer the state query). */
export async function report(ctx: CommandContext): Promise<number> {
  const run = await runArg(ctx);
  const figures = await run.report();
  print(ctx, { workflowId: run.workflowId, ...figures }, () => formatReport(figures));
  return 0;
}

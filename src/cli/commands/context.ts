/** What every `agent` command gets: the parsed flags, the configuration and a connected PlanRuns. */
import type { AppConfig } from '../../config';
import type { PlanRuns } from '../../client/plan-runs';
import type { RunHandle } from '../../client/run-handle';
import { UsageError } from '../usage-error';

export interface CommandContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  config: AppConfig;
  json: boolean;
  usage: string;
  /** Connects on first use; the connection is closed when the command ends. */
  runs(): Promise<PlanRuns>;
}

export function requireArg(ctx: CommandContext, value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`Missing ${what}.\n${ctx.usage}`);
  return value;
}

/** The run named by the first positional argument. */
export async function runArg(ctx: CommandContext): Promise<RunHandle> {
  const workflowId = requireArg(ctx, ctx.positionals[0], 'the workflow id');
  return (await ctx.runs()).get(workflowId);
}

export function text(ctx: CommandContext, flag: string): string | undefined {
  const value = ctx.values[flag];
  return typeof value === 'string' ? value : undefined;
}

/** JSON for machines (`--json`), text for people. */
export function print(ctx: CommandContext, data: unknown, view: () => string): void {
  console.log(ctx.json ? JSON.stringify(data, null, 2) : view());
}

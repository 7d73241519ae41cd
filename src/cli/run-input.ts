/** Turning CLI flags into a run's goal and options, each flag checked by itself before anything starts. */
import type { AppConfig } from '../config';
import type { StartRunOptions } from '../client/plan-runs';
import { RunOptionsSchema } from '../../workflows/schemas';
import { amountFlag, decimalFlag } from './flag-rules';
import { UsageError } from './usage-error';

/** Flags shared by `agent start` and `npm start`. */
export const RUN_OPTION_FLAGS = {
  context: { type: 'string' },
  'planner-model': { type: 'string' },
  'executor-model': { type: 'string' },
  'replanner-model': { type: 'string' },
  'max-steps': { type: 'string' },
  'max-replans': { type: 'string' },
  'max-turns': { type: 'string' },
  parallel: { type: 'string' },
  'require-approval': { type: 'boolean' },
  'approval-timeout': { type: 'string' },
  'on-approval-timeout': { type: 'string' },
  'question-timeout': { type: 'string' },
  'budget-usd': { type: 'string' },
  'budget-tokens': { type: 'string' },
  'budget-minutes': { type: 'string' },
  'on-budget-exhausted': { type: 'string' },
  id: { type: 'string' },
} as const;

export type RunOptionValues = Partial<
  Record<Exclude<keyof typeof RUN_OPTION_FLAGS, 'require-approval'>, string>
> & {
  'require-approval'?: boolean;
};

type OptionKey = keyof typeof RunOptionsSchema.shape;

/** Which run option each value flag sets, and whether it is a number. */
const OPTION_OF: [keyof RunOptionValues, OptionKey, 'number' | 'amount' | 'text'][] = [
  ['planner-model', 'plannerModel', 'text'],
  ['executor-model', 'executorModel', 'text'],
  ['replanner-model', 'replannerModel', 'text'],
  ['max-steps', 'maxSteps', 'number'],
  ['max-replans', 'maxReplans', 'number'],
  ['max-turns', 'maxTurnsPerStep', 'number'],
  ['parallel', 'maxParallelSteps', 'number'],
  ['approval-timeout', 'approvalTimeoutSeconds', 'number'],
  ['on-approval-timeout', 'onApprovalTimeout', 'text'],
  ['question-timeout', 'questionTimeoutSeconds', 'number'],
  ['budget-usd', 'budgetUsd', 'amount'],
  ['budget-tokens', 'budgetTokens', 'number'],
  ['budget-minutes', 'budgetMinutes', 'amount'],
  ['on-budget-exhausted', 'onBudgetExhausted', 'text'],
];

/**
 * The goal and start options the flags describe. Each flag's value is checked with the workflow's schema
 * for its option, so a refusal names the flag (`--max-steps: Too big: ...`); the whole input is checked
 * again by the client before it starts the run.
 */
export function runFromFlags(
  goal: string | undefined,
  values: RunOptionValues,
  config: AppConfig,
): { goal: string; options: StartRunOptions } {
  if (goal === undefined)
    throw new UsageError('Missing the goal: pass it in quotes, e.g. "Summarise README.md into notes.md".');
  const options: Record<string, unknown> = {
    plannerModel: config.models.planner,
    executorModel: config.models.executor,
    replannerModel: config.models.replanner,
  };
  for (const [flag, key, kind] of OPTION_OF) {
    const raw = values[flag] as string | undefined;
    if (raw === undefined) continue;
    const value =
      kind === 'number' ? decimalFlag(flag, raw) : kind === 'amount' ? amountFlag(flag, raw) : raw;
    const parsed = RunOptionsSchema.shape[key].safeParse(value);
    if (!parsed.success) {
      throw new UsageError(`--${flag}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    options[key] = value;
  }
  if (values['require-approval']) options.requireApproval = true;
  return {
    goal,
    options: {
      ...(options as StartRunOptions),
      ...(values.context !== undefined ? { context: values.context } : {}),
      ...(values.id !== undefined ? { workflowId: values.id } : {}),
    },
  };
}

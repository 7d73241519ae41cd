/** Turning CLI flags into a validated workflow input, before anything is started. */
import type { AppConfig } from '../config';
import { describeZodError, RunInputSchema, type RunInput } from '../../workflows/schemas';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

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

export function buildRunInput(
  goal: string | undefined,
  values: RunOptionValues,
  config: AppConfig,
): RunInput {
  if (goal === undefined)
    throw new UsageError('Missing the goal: pass it in quotes, e.g. "Summarise README.md into notes.md".');
  const candidate = {
    goal,
    ...(values.context !== undefined ? { context: values.context } : {}),
    options: {
      plannerModel: values['planner-model'] ?? config.models.planner,
      executorModel: values['executor-model'] ?? config.models.executor,
      replannerModel: values['replanner-model'] ?? config.models.replanner,
      ...numberFlag('maxSteps', '--max-steps', values['max-steps']),
      ...numberFlag('maxReplans', '--max-replans', values['max-replans']),
      ...numberFlag('maxTurnsPerStep', '--max-turns', values['max-turns']),
      ...numberFlag('maxParallelSteps', '--parallel', values.parallel),
      ...(values['require-approval'] ? { requireApproval: true } : {}),
      ...numberFlag('approvalTimeoutSeconds', '--approval-timeout', values['approval-timeout']),
      ...(values['on-approval-timeout'] !== undefined
        ? { onApprovalTimeout: values['on-approval-timeout'] }
        : {}),
      ...numberFlag('questionTimeoutSeconds', '--question-timeout', values['question-timeout']),
      ...decimalFlag('budgetUsd', '--budget-usd', values['budget-usd']),
      ...numberFlag('budgetTokens', '--budget-tokens', values['budget-tokens']),
      ...decimalFlag('budgetMinutes', '--budget-minutes', values['budget-minutes']),
      ...(values['on-budget-exhausted'] !== undefined
        ? { onBudgetExhausted: values['on-budget-exhausted'] }
        : {}),
    },
  };
  const parsed = RunInputSchema.safeParse(candidate);
  if (!parsed.success) throw new UsageError(`Invalid run input: ${describeZodError(parsed.error)}`);
  return candidate as RunInput;
}

function numberFlag(key: string, flag: string, raw: string | undefined): Record<string, number> {
  if (raw === undefined) return {};
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new UsageError(`${flag} must be a whole number, got "${raw}".`);
  return { [key]: value };
}

export function decimalFlag(key: string, flag: string, raw: string | undefined): Record<string, number> {
  if (raw === undefined) return {};
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag} must be a number, got "${raw}".`);
  return { [key]: value };
}

export function newWorkflowId(): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('Z', '');
  return `plan-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

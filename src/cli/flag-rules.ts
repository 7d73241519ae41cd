/**
 * What each command accepts, and which flags only mean something with a partner. A flag given where it
 * means nothing is refused, naming it, rather than ignored; a flag whose partner is missing is refused
 * rather than read as empty. Numbers are plain decimal integers (no 0x10, 1e3, 1.5, -1 or "").
 */
import { UsageError } from './usage-error';

/** Approve takes the same edits as edit (an approval may change the plan it approves). */
const EDIT_FLAGS = [
  'file',
  'add',
  'title',
  'instructions',
  'after',
  'depends-on',
  'remove',
  'update',
  'set-deps',
  'reorder',
  'reason',
  'json',
] as const;

export const COMMAND_FLAGS: Record<string, readonly string[]> = {
  start: [
    'context',
    'planner-model',
    'executor-model',
    'replanner-model',
    'max-steps',
    'max-replans',
    'max-turns',
    'parallel',
    'require-approval',
    'approval-timeout',
    'on-approval-timeout',
    'question-timeout',
    'budget-usd',
    'budget-tokens',
    'budget-minutes',
    'on-budget-exhausted',
    'id',
    'wait',
    'json',
  ],
  status: ['json'],
  result: ['json'],
  list: ['limit', 'status', 'needs-person', 'min-cost', 'query', 'json'],

  watch: [],
  approve: EDIT_FLAGS,
  reject: ['reason', 'json'],
  edit: EDIT_FLAGS,
  pause: ['reason', 'json'],
  resume: ['json'],
  'approve-call': ['reason', 'json'],
  'deny-call': ['reason', 'json'],

  cancel: ['reason', 'json'],
  advise: ['json'],
  answer: ['question', 'json'],
  budget: ['add-usd', 'add-tokens', 'add-minutes', 'reason', 'json'],
  report: ['json'],
};

/** A flag that needs one of these others (any one) to mean something, and what to say when it has none. */
const PARTNERS: { flag: string; needsOneOf: string[]; hint: string }[] = [
  { flag: 'title', needsOneOf: ['add', 'update'], hint: 'the step it titles: --add ID or --update ID' },
  { flag: 'instructions', needsOneOf: ['add', 'update'], hint: 'the step: --add ID or --update ID' },
  { flag: 'after', needsOneOf: ['add'], hint: 'the step to place: --add ID' },
  {
    flag: 'depends-on',
    needsOneOf: ['add', 'set-deps'],
    hint: 'the step whose dependencies these are: --add ID or --set-deps ID',
  },
  {
    flag: 'set-deps',
    needsOneOf: ['depends-on'],
    hint: 'the new dependencies: --depends-on a,b ("" for none)',
  },
  { flag: 'add', needsOneOf: ['title'], hint: "the new step's title: --title TEXT" },
  { flag: 'add', needsOneOf: ['instructions'], hint: "the new step's instructions: --instructions TEXT" },
  {
    flag: 'update',
    needsOneOf: ['title', 'instructions'],
    hint: 'what to change: --title TEXT and/or --instructions TEXT',
  },
  {
    flag: 'approval-timeout',
    needsOneOf: ['require-approval'],
    hint: '--require-approval (without it nothing waits for approval)',
  },
  {
    flag: 'on-approval-timeout',
    needsOneOf: ['approval-timeout'],
    hint: '--approval-timeout SEC (without it approval waits forever)',
  },
  {
    flag: 'on-budget-exhausted',
    needsOneOf: ['budget-usd', 'budget-tokens', 'budget-minutes'],
    hint: 'a budget: --budget-usd N, --budget-tokens N or --budget-minutes N',
  },
];

/** Refuse flags the command does not take and flags without their partner. */
export function checkFlags(command: string, given: Record<string, unknown>): void {
  const allowed = COMMAND_FLAGS[command];
  if (!allowed) return;
  const present = (flag: string) => given[flag] !== undefined && given[flag] !== false;
  for (const flag of Object.keys(given).filter(present)) {
    if (!allowed.includes(flag)) {
      const takers = Object.entries(COMMAND_FLAGS)
        .filter(([, flags]) => flags.includes(flag))
        .map(([name]) => name);
      throw new UsageError(
        `--${flag} does not apply to ${command}${takers.length > 0 ? ` (it goes with: ${takers.join(', ')})` : ''}.`,
      );
    }
  }
  for (const rule of PARTNERS) {
    if (present(rule.flag) && !rule.needsOneOf.some(present)) {
      throw new UsageError(`--${rule.flag} needs ${rule.hint}.`);
    }
  }
  if (present('add') && present('update') && (present('title') || present('instructions'))) {
    throw new UsageError(
      '--title and --instructions would apply to both --add and --update; send them as two commands, or use --file.',
    );
  }
}

/** A plain decimal integer, or a usage error naming the flag. */
export function decimalFlag(flag: string, raw: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(raw)) {
    throw new UsageError(
      `--${flag} must be a whole number written in decimal digits (like 5), got ${JSON.stringify(raw)}.`,
    );
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new UsageError(`--${flag} is too big: ${raw}.`);
  return value;
}

/** A plain decimal amount (dollars, minutes: 0.5, 12, 1.25), or a usage error naming the flag. */
export function amountFlag(flag: string, raw: string): number {
  if (!/^(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(raw)) {
    throw new UsageError(
      `--${flag} takes a plain decimal number (like 0.50 or 12), got ${JSON.stringify(raw)}.`,
    );
  }
  return Number(raw);
}

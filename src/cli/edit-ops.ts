/** Plan edits from CLI flags or a JSON file, validated with the same schema the workflow uses. */
import { readFileSync } from 'node:fs';
import { describeZodError } from '../../workflows/schemas';
import { EditPlanSchema, type EditPlanPayload } from '../../workflows/messages';
import { UsageError } from './usage-error';

export const EDIT_FLAGS = {
  file: { type: 'string' },
  add: { type: 'string' },
  title: { type: 'string' },
  instructions: { type: 'string' },
  after: { type: 'string' },
  'depends-on': { type: 'string' },
  remove: { type: 'string' },
  update: { type: 'string' },
  'set-deps': { type: 'string' },
  reorder: { type: 'string' },
  reason: { type: 'string' },
} as const;

export type EditFlagValues = Partial<Record<keyof typeof EDIT_FLAGS, string>>;

const FILE_SHAPE = 'a list of ops, or an object {"ops": [...], "reason": "..."}';

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * The edit the flags describe (ops from --file first, then the flags' own), or undefined when they
 * describe none. Partner flags (--title with --add, ...) are checked beforehand by checkFlags.
 */
export function editFromFlags(values: EditFlagValues): EditPlanPayload | undefined {
  const fromFile = values.file !== undefined ? readEditFile(values.file) : { ops: [], rest: {} };
  const ops: unknown[] = [...fromFile.ops];
  if (values.add !== undefined) {
    ops.push({
      op: 'add',
      step: {
        id: values.add,
        title: values.title,
        instructions: values.instructions,
        dependsOn: list(values['depends-on']),
      },
      ...(values.after !== undefined ? { after: values.after } : {}),
    });
  }
  if (values.update !== undefined) {
    ops.push({
      op: 'update',
      id: values.update,
      ...(values.title !== undefined ? { title: values.title } : {}),
      ...(values.instructions !== undefined ? { instructions: values.instructions } : {}),
    });
  }
  if (values['set-deps'] !== undefined) {
    ops.push({ op: 'setDependsOn', id: values['set-deps'], dependsOn: list(values['depends-on']) });
  }
  if (values.remove !== undefined) ops.push({ op: 'remove', id: values.remove });
  if (values.reorder !== undefined) ops.push({ op: 'reorder', order: list(values.reorder) });
  if (ops.length === 0) return undefined;
  // Every key of the file's object is kept, so a misspelt one is refused by name rather than dropped.
  const candidate: Record<string, unknown> = { ...fromFile.rest, ops };
  const reason = values.reason ?? fromFile.rest.reason;
  if (reason !== undefined) candidate.reason = reason;
  const parsed = EditPlanSchema.safeParse(candidate);
  if (!parsed.success) {
    const where = values.file !== undefined ? ` (from ${values.file} and the flags)` : '';
    throw new UsageError(
      `Invalid plan edit${where}: ${describeZodError(parsed.error, { schema: EditPlanSchema, input: candidate })}`,
    );
  }
  return candidate as EditPlanPayload;
}

function readEditFile(file: string): { ops: unknown[]; rest: Record<string, unknown> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  if (Array.isArray(parsed)) return { ops: parsed, rest: {} };
  if (typeof parsed !== 'object' || parsed === null) {
    throw new UsageError(`${file} must hold ${FILE_SHAPE}; it holds ${kindOf(parsed)}.`);
  }
  const { ops, ...rest } = parsed as Record<string, unknown>;
  if (!Array.isArray(ops)) {
    throw new UsageError(
      `${file}: "ops" must be a list of ops (like [{"op": "remove", "id": "b"}]); it is ${kindOf(ops)}. The file must hold ${FILE_SHAPE}.`,
    );
  }
  return { ops, rest };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type} (${JSON.stringify(value)})`;
}

/** Plan edits from CLI flags or a JSON file, validated with the same schema the workflow uses. */
import { readFileSync } from 'node:fs';
import { describeZodError } from '../../workflows/schemas';
import { EditPlanSchema, type EditPlanPayload } from '../../workflows/messages';
import { UsageError } from './run-input';

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

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The edit the flags describe, or undefined when they describe none. */
export function editFromFlags(values: EditFlagValues): EditPlanPayload | undefined {
  let payload: { ops: unknown[]; reason?: string } = { ops: [] };
  if (values.file !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(values.file, 'utf8'));
    } catch (err) {
      throw new UsageError(`Cannot read ${values.file}: ${(err as Error).message}`);
    }
    payload = Array.isArray(parsed) ? { ops: parsed } : (parsed as typeof payload);
  }
  const ops = [...(payload.ops ?? [])];
  if (values.add !== undefined) {
    ops.push({
      op: 'add',
      step: {
        id: values.add,
        title: values.title ?? '',
        instructions: values.instructions ?? '',
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
  const candidate = {
    ops,
    ...((values.reason ?? payload.reason) ? { reason: values.reason ?? payload.reason } : {}),
  };
  const parsed = EditPlanSchema.safeParse(candidate);
  if (!parsed.success) throw new UsageError(`Invalid plan edit: ${describeZodError(parsed.error)}`);
  return candidate as EditPlanPayload;
}

/** Unknown keys named with the closest known key, as the CLI, the client and the workflow word them. */
import { EditPlanSchema } from '../workflows/messages';
import { closestKey, describeZodError, RunInputSchema } from '../workflows/schemas';

const describe_ = (schema: typeof EditPlanSchema | typeof RunInputSchema, input: unknown): string => {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected a refusal');
  return describeZodError(parsed.error, { schema, input });
};

it.each([
  ['reasn', ['ops', 'reason'], 'reason'],
  ['depends_on', ['id', 'title', 'dependsOn'], 'dependsOn'],
  ['Instructions', ['title', 'instructions'], 'instructions'],
  ['maxStep', ['maxSteps', 'maxReplans'], 'maxSteps'],
  ['requireAproval', ['requireApproval'], 'requireApproval'],
  ['why', ['op', 'id'], undefined],
  ['x', [], undefined],
])('closestKey(%j) among %j is %j', (key, known, expected) => {
  expect(closestKey(key, known)).toBe(expected);
});

it('names each unknown key where it is, with the closest known key or the keys known there', () => {
  expect(describe_(EditPlanSchema, { ops: [{ op: 'remove', id: 'b', reasn: 'x' }], reasn: 'y' })).toBe(
    'ops.0.reasn: unknown key (known keys here: op, id); reasn: unknown key; did you mean "reason"?',
  );
  expect(
    describe_(EditPlanSchema, {
      ops: [{ op: 'add', step: { id: 'x', title: 'T', instructions: 'I', depends_on: [] }, aftr: 'a' }],
    }),
  ).toBe(
    'ops.0.step.depends_on: unknown key; did you mean "dependsOn"?; ops.0.aftr: unknown key; did you mean "after"?',
  );
  expect(describe_(RunInputSchema, { goal: 'g', contxt: 'c' })).toBe(
    'contxt: unknown key; did you mean "context"?',
  );
});

it('without the schema, still names the key (the message callers had before)', () => {
  const parsed = EditPlanSchema.safeParse({ ops: [{ op: 'remove', id: 'b' }], reasn: 'y' });
  expect(parsed.success ? '' : describeZodError(parsed.error)).toBe('reasn: unknown key');
});

/**
 * Properties of the plan model and the input schemas over generated inputs (fast-check, fixed seed):
 * random plans and random sequences of people's edits and re-planner proposals keep the invariants (no
 * cycles, done steps never change, ids unique, the version moves only on accepted edits, a rejected edit
 * changes nothing), and random malformed payloads are refused with a message, never a crash.
 * FUZZ_RUNS=N runs N cases per property instead of the default (e.g. FUZZ_RUNS=20000 for a long run).
 */
import fc from 'fast-check';
import {
  findCycle,
  findPlanProblems,
  createPlan,
  replaceRemaining,
  replanIdSets,
  updateStep,
} from '../workflows/plan';
import { applyPlanEdits, PlanEditError } from '../workflows/plan-edits';
import { protectHumanEdits } from '../workflows/pinning';
import {
  AdviseSchema,
  AnswerSchema,
  ApproveSchema,
  EditPlanSchema,
  PlanEditOpSchema,
  type PlanEditOp,
} from '../workflows/messages';
import { describeZodError, RunInputSchema, type StepDraft } from '../workflows/schemas';
import type { Plan } from '../workflows/state';

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const settings = { numRuns: RUNS, seed: 20261127 };

/** Few ids, so edits and proposals collide with existing steps often. */
const idArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'x', 'y');
const textArb = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim().length > 0);

/** A valid plan: steps depend only on earlier ones, and a prefix of them is done. */
const planArb: fc.Arbitrary<Plan> = fc
  .uniqueArray(idArb, { minLength: 1, maxLength: 8 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(fc.array(fc.nat({ max: 7 }), { maxLength: 3 }), {
        minLength: ids.length,
        maxLength: ids.length,
      }),
      fc.nat({ max: ids.length }),
    ),
  )
  .map(([ids, depPicks, doneCount]) => {
    const drafts: StepDraft[] = ids.map((id, i) => ({
      id,
      title: `T ${id}`,
      instructions: `do ${id}`,
      dependsOn: [...new Set((depPicks[i] ?? []).filter((d) => d < i).map((d) => ids[d] as string))],
    }));
    let plan = createPlan(drafts, 'planner', 'initial', 't0');
    for (const id of ids.slice(0, doneCount))
      plan = updateStep(plan, id, { status: 'done', result: `${id} done` });
    return plan;
  });

const draftArb: fc.Arbitrary<StepDraft> = fc.record({
  id: idArb,
  title: textArb,
  instructions: textArb,
  dependsOn: fc.uniqueArray(idArb, { maxLength: 3 }),
});

const opArb: fc.Arbitrary<PlanEditOp> = fc.oneof(
  fc
    .record({ op: fc.constant('add' as const), step: draftArb, after: fc.option(idArb, { nil: undefined }) })
    .map(({ after, ...rest }) => (after === undefined ? rest : { ...rest, after })),
  fc.record({ op: fc.constant('remove' as const), id: idArb }),
  fc.record({ op: fc.constant('update' as const), id: idArb, title: textArb }),
  fc.record({
    op: fc.constant('setDependsOn' as const),
    id: idArb,
    dependsOn: fc.uniqueArray(idArb, { maxLength: 3 }),
  }),
  fc.record({ op: fc.constant('reorder' as const), order: fc.uniqueArray(idArb, { maxLength: 8 }) }),
  fc.record({
    op: fc.constant('replaceRemaining' as const),
    steps: fc.uniqueArray(draftArb, { maxLength: 4, selector: (d) => d.id }),
  }),
);

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function checkInvariants(before: Plan, after: Plan): void {
  expect(after.version).toBe(before.version + 1);
  const ids = after.steps.map((s) => s.id);
  expect(new Set(ids).size).toBe(ids.length);
  const pending = after.steps.filter((s) => s.status === 'pending');
  expect(findCycle(pending)).toBeUndefined();
  const byId = new Map(after.steps.map((s) => [s.id, s]));
  for (const s of pending) {
    for (const dep of s.dependsOn) {
      expect(byId.has(dep)).toBe(true);
      expect(['pending', 'running', 'done']).toContain(byId.get(dep)?.status);
    }
  }
  // Whatever is not pending never changes.
  for (const old of before.steps.filter((s) => s.status !== 'pending')) expect(byId.get(old.id)).toEqual(old);
}

describe('plan edits by people', () => {
  it('keep the invariants, and a rejected edit changes nothing', () => {
    fc.assert(
      fc.property(
        planArb,
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        (start, batches) => {
          let plan = start;
          for (const ops of batches) {
            const snapshot = clone(plan);
            let outcome;
            try {
              outcome = applyPlanEdits(plan, ops, 'why', 't');
            } catch (err) {
              expect(err).toBeInstanceOf(PlanEditError);
              expect(plan).toEqual(snapshot);
              continue;
            }
            checkInvariants(snapshot, outcome.plan);
            for (const id of outcome.removed)
              expect(outcome.plan.steps.find((s) => s.id === id)?.status).toBe('removed');
            plan = outcome.plan;
          }
        },
      ),
      settings,
    );
  });
});

describe('re-planner proposals', () => {
  it("applied after people's edits keep done steps, pinned steps and removals", () => {
    fc.assert(
      fc.property(
        planArb,
        fc.uniqueArray(draftArb, { maxLength: 6, selector: (d) => d.id }),
        fc.uniqueArray(idArb, { maxLength: 3 }),
        (plan, proposal, pinnedPick) => {
          const pending = plan.steps.filter((s) => s.status === 'pending').map((s) => s.id);
          const pinned = pinnedPick.filter((id) => pending.includes(id));
          const { steps } = protectHumanEdits(plan, proposal, pinned, []);
          const { usable, taken } = replanIdSets(plan);
          if (findPlanProblems(steps, usable, taken).length > 0) return; // refused, plan kept
          const next = replaceRemaining(plan, steps, 'replanner', 'r', 't');
          checkInvariants(plan, next);
          for (const id of pinned) {
            const before = plan.steps.find((s) => s.id === id);
            const after = next.steps.find((s) => s.id === id && s.status === 'pending');
            expect(after && { t: after.title, i: after.instructions, d: after.dependsOn }).toEqual(
              before && { t: before.title, i: before.instructions, d: before.dependsOn },
            );
          }
        },
      ),
      settings,
    );
  });
});

describe('malformed payloads', () => {
  const schemas = {
    EditPlanSchema,
    ApproveSchema,
    AnswerSchema,
    AdviseSchema,
    RunInputSchema,
    PlanEditOpSchema,
  };
  // Junk of every kind, and near misses: right keys with wrong kinds, typos, extra keys.
  const junk = fc.oneof(
    fc.anything(),
    fc.record({ ops: fc.anything() }),
    fc.record({ ops: fc.array(fc.record({ op: fc.string(), id: fc.anything() })) }),
    fc.record({ reasn: fc.string(), ops: fc.constant([{ op: 'remove', id: 'a' }]) }),
    fc.record({ goal: fc.anything(), options: fc.anything() }),
    fc.dictionary(fc.string(), fc.anything()),
  );
  it.each(Object.entries(schemas))(
    '%s: refused with a message naming the problem, never a crash',
    (_name, schema) => {
      fc.assert(
        fc.property(junk, (payload) => {
          const parsed = schema.safeParse(payload);
          if (!parsed.success) expect(describeZodError(parsed.error).length).toBeGreaterThan(0);
        }),
        settings,
      );
    },
  );

  it('an edit that parses is either applied or refused with a PlanEditError', () => {
    fc.assert(
      fc.property(planArb, junk, (plan, payload) => {
        const parsed = EditPlanSchema.safeParse(payload);
        if (!parsed.success) return;
        try {
          applyPlanEdits(plan, parsed.data.ops, 'why', 't');
        } catch (err) {
          expect(err).toBeInstanceOf(PlanEditError);
        }
      }),
      settings,
    );
  });
});

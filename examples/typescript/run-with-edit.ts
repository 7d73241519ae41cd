/**
 * Start a run that waits for approval, add a step to its plan, approve it and wait for the answer: the
 * client library from your own code. Run it with `npx tsx examples/typescript/run-with-edit.ts` beside a
 * worker (`npm run worker`); it reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TASK_QUEUE like the CLI.
 *
 * Outside this repository, import from the package instead: `from 'plan-execute-temporal'`.
 */
import { CommandRejectedError, PlanRuns } from '../../src/client';

async function main(): Promise<void> {
  const runs = await PlanRuns.connect();
  try {
    const run = await runs.start('Write a short release note to notes.md', { requireApproval: true });
    console.log(`started ${run.workflowId}`);

    // Wait for the plan: the run's changes arrive as an async iterator.
    for await (const change of run.watch()) {
      if (change.type === 'status' && change.to === 'awaiting_approval') break;
    }
    const plan = await run.plan();
    console.log(`plan v${plan.version}: ${plan.steps.map((s) => `${s.id} (${s.title})`).join(', ')}`);

    // A refused edit is a typed error with the rule and the step.
    try {
      await run.edit([{ op: 'remove', id: 'polish' }]);
    } catch (err) {
      if (!(err instanceof CommandRejectedError)) throw err;
      console.log(`refused: ${err.reason} (rule ${err.rule}, step ${err.stepId})`);
    }

    const ack = await run.edit(
      [
        {
          op: 'add',
          step: {
            id: 'check',
            title: 'Check the note',
            instructions: 'Read notes.md and say whether it is under 50 words.',
            dependsOn: ['draft'],
          },
          after: 'draft',
        },
      ],
      { reason: 'every release note gets checked' },
    );
    console.log(`edited: plan v${ack.planVersion}, status ${ack.status}`);

    const approved = await run.approve({ reason: 'looks right' });
    console.log(`approved: plan v${approved.planVersion}, status ${approved.status}`);

    const result = await run.result();
    console.log(`ended: ${result.endReason} after ${result.stepsExecuted} steps`);
    for (const step of result.plan.steps) console.log(`  ${step.id} [${step.status}] ${step.result ?? ''}`);
    console.log(`answer: ${result.answer ?? '(none)'}`);
  } finally {
    await runs.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

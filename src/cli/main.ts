/**
 * `npm start -- "<goal>" [options]`: the one-command main job. Uses the Temporal server at TEMPORAL_ADDRESS
 * if one answers, otherwise starts the embedded dev server (SQLite, Web UI); runs a worker in this
 * process; runs the goal, showing progress; prints the answer and the link to the run in the Web UI.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { loadConfig } from '../config';
import { loadTemporalSettings, workflowUiUrl } from '../config/temporal';
import type { DevServer } from '../devserver/dev-server';
import { localServerAnswers, startEmbeddedServer } from '../devserver/embedded';
import { missingCredentials, parseModelSpec } from '../llm';
import { createWorker } from '../worker/create-worker';
import { planAndExecute } from '../../workflows';
import { connectClient } from './connect';
import { runCommand } from './exit';
import { parseFlags } from './flags';
import { runStartOptions } from './start';
import { followRun } from './follow';
import { formatEvent, formatResult } from './format';
import { buildRunInput, newWorkflowId, RUN_OPTION_FLAGS, UsageError } from './run-input';

const USAGE = `Usage: npm start -- "<goal>" [--context TEXT] [--planner-model P:M] [--executor-model P:M]
       [--replanner-model P:M] [--max-steps N] [--max-replans N] [--max-turns N] [--parallel N]
       [--budget-usd N] [--budget-tokens N] [--budget-minutes N] [--on-budget-exhausted wait|end] [--id ID]`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(USAGE, {
    args: argv,
    allowPositionals: true,
    options: RUN_OPTION_FLAGS,
  });
  const config = loadConfig();
  const input = buildRunInput(positionals[0], values, config);

  // Check credentials before starting anything: a run without them could only fail.
  const models = [input.options?.plannerModel, input.options?.executorModel, input.options?.replannerModel];
  const problems = [
    ...new Set(
      models.flatMap((spec) => {
        const problem = spec
          ? missingCredentials(parseModelSpec(spec).provider, config.providers)
          : undefined;
        return problem ? [problem] : [];
      }),
    ),
  ];
  if (problems.length > 0) {
    throw new UsageError(
      [
        ...problems,
        'Or try it offline: `npm run fake-model -- --scenario examples/scenarios/demo.json` and set ANTHROPIC_BASE_URL=http://127.0.0.1:8787.',
      ].join('\n'),
    );
  }

  const settings = loadTemporalSettings();
  let server: DevServer | undefined;
  if (!(await localServerAnswers(settings))) {
    try {
      const probe = await connectClient(settings, '2s');
      await probe.close();
    } catch {
      console.log(`No Temporal server at ${settings.address}; starting the embedded dev server...`);
      server = await startEmbeddedServer(settings);
      console.log(`Dev server on ${server.address}, Web UI at ${server.uiUrl ?? '(none)'}`);
    }
  }

  // Progress lines are this command's output; the worker's own INFO chatter would bury them.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connected = await connectClient(settings);
  const workerConnection = await NativeConnection.connect(settings.connectionOptions);
  try {
    const worker = await createWorker({
      connection: workerConnection,
      namespace: settings.namespace,
      config,
    });
    return await worker.runUntil(async () => {
      const workflowId = values.id ?? newWorkflowId();
      const handle = await connected.client.workflow.start(
        planAndExecute,
        runStartOptions(input, config.taskQueue, workflowId),
      );
      const link = workflowUiUrl(settings, workflowId, handle.firstExecutionRunId, config.uiUrl);
      console.log(`Run ${workflowId}${link ? `\nWeb UI: ${link}` : ''}\n`);
      try {
        const result = await followRun(handle, handle.result(), (event) => console.log(formatEvent(event)));
        console.log(`\n${formatResult(result)}`);
        if (link) console.log(`\nWeb UI: ${link}`);
        return 0;
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        console.error(`\nRun failed: ${err.cause?.message ?? err.message}`);
        if (link) console.error(`Web UI: ${link}`);
        return 1;
      }
    });
  } finally {
    await connected.close();
    await workerConnection.close();
    await server?.stop();
  }
}

runCommand(() => main(process.argv.slice(2)));

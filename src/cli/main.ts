/**
 * `npm start -- "<goal>" [options]`: the one-command main job. Uses the Temporal server at TEMPORAL_ADDRESS
 * if one answers, otherwise starts the embedded dev server (SQLite, Web UI); runs a worker in this
 * process; runs the goal, showing progress; prints the answer and the link to the run in the Web UI.
 */
import { DefaultLogger, NativeConnection } from '@temporalio/worker';
import { RunCancelledError, RunFailedError } from '../client/errors';
import { connectClient } from '../client/connect';
import { PlanRuns } from '../client/plan-runs';
import { loadConfig } from '../config';
import { loadTemporalSettings } from '../config/temporal';
import type { DevServer } from '../devserver/dev-server';
import { localServerAnswers, startEmbeddedServer } from '../devserver/embedded';
import { missingCredentials, parseModelSpec } from '../llm';
import type { MetricsServer } from '../telemetry/metrics-server';
import { installWorkerRuntime, serveWorkerMetrics } from '../telemetry/worker-metrics';
import { createWorker } from '../worker/create-worker';
import { runCommand } from './exit';
import { parseFlags } from './flags';
import { checkFlags } from './flag-rules';
import { formatCancelled, formatEvent, formatResult } from './format';
import { runFromFlags, RUN_OPTION_FLAGS } from './run-input';
import { safeText } from './terminal-safe';
import { UsageError } from './usage-error';

const USAGE = `Usage: npm start -- "<goal>" [--context TEXT] [--planner-model P:M] [--executor-model P:M]
       [--replanner-model P:M] [--max-steps N] [--max-replans N] [--max-turns N] [--parallel N]
       [--require-approval [--approval-timeout SEC [--on-approval-timeout reject|approve]]]
       [--question-timeout SEC] [--budget-usd N] [--budget-tokens N] [--budget-minutes N]
       [--on-budget-exhausted wait|end] [--id ID]
(with --require-approval, approve from another terminal: npm run agent -- approve <id>;
 a run at its budget waits until: npm run agent -- budget <id> --add-usd N)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(USAGE, {
    args: argv,
    allowPositionals: true,
    options: RUN_OPTION_FLAGS,
  });
  checkFlags('start', values);
  if (positionals.length > 1) throw new UsageError(`Pass the goal as one argument, in quotes.\n${USAGE}`);
  const config = loadConfig();
  const { goal, options } = runFromFlags(positionals[0], values, config);

  // Check credentials before starting anything: a run without them could only fail.
  const models = [options.plannerModel, options.executorModel, options.replannerModel];
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
  const runtime = installWorkerRuntime({ logger: new DefaultLogger('WARN') });
  const connected = await connectClient(settings);
  const workerConnection = await NativeConnection.connect(settings.connectionOptions);
  let metrics: MetricsServer | undefined;
  try {
    const worker = await createWorker({
      connection: workerConnection,
      namespace: settings.namespace,
      config,
    });
    if (runtime.metrics) {
      metrics = await serveWorkerMetrics({
        connection: workerConnection,
        namespace: settings.namespace,
        taskQueue: config.taskQueue,
        ...runtime.metrics,
        ...(runtime.bridge ? { bridge: runtime.bridge } : {}),
      });
      console.log(`Metrics: ${metrics.url}`);
    }
    const runs = new PlanRuns({
      client: connected.client,
      taskQueue: config.taskQueue,
      address: settings.address,
      ...(config.uiUrl ? { uiUrl: config.uiUrl } : {}),
    });
    return await worker.runUntil(async () => {
      const run = await runs.start(goal, options);
      const link = run.uiUrl;
      console.log(`Run ${run.workflowId}${link ? `\nWeb UI: ${link}` : ''}\n`);
      for await (const change of run.watch()) {
        if (change.type === 'event') console.log(formatEvent(change.event));
      }
      try {
        console.log(`\n${formatResult(await run.result())}`);
        if (link) console.log(`\nWeb UI: ${link}`);
        return 0;
      } catch (err) {
        if (err instanceof RunCancelledError) {
          console.log(`\n${formatCancelled(err.state, err.execution)}`);
          return 0;
        }
        if (!(err instanceof RunFailedError)) throw err;
        console.error(`\nRun failed: ${safeText(err.message)}`);
        if (link) console.error(`Web UI: ${link}`);
        return 1;
      }
    });
  } finally {
    await metrics?.close();
    await connected.close();
    await workerConnection.close();
    await server?.stop();
  }
}

runCommand(() => main(process.argv.slice(2)));

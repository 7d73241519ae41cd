/**
 * `npm run cluster:drill`: a fresh cluster (PostgreSQL, frontend, history, matching, internal worker, Web
 * UI) and drill workers in their own processes; many runs at once against the fake model server (with
 * model-like latency), some parallel, some waiting for an approval the drill gives; while they run, workers
 * are SIGKILLed and replaced, history and frontend killed and restarted, PostgreSQL restarted with
 * `-m immediate`. Then every run is checked and the figures printed, ending with `N passed, N failed`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { FakeModelServer } from '../../../src/fake-model/server';
import { down, downOnInterrupt, purge } from '../down';
import { processesOf, sleep } from '../processes';
import { frontendAddress, startWorker, type WorkerSpec } from '../services';
import { postgresOf, up } from '../up';
import {
  effectRepeats,
  faultToProgress,
  modelRepeats,
  outcomeProblems,
  percentile,
  resumeTimes,
  readEffects,
  stepLatencies,
} from './checks';
import { runFaultPlan, type FaultRecord } from './faults';
import { DrillUsageError, parseDrillOptions, USAGE, type DrillOptions } from './options';
import { approveWhenAsked, awaitResult, patiently, planRuns, startRuns } from './runs';
import { faultTable, summaryTable } from './report';
import { drillScenario, LATENCY_MS, VARIANTS } from './scenario';
import { DRILL_WORKER_READY } from './tool';
import { drillQuery, listedByFilter } from './visibility';

const TASK_QUEUE = 'cluster-drill';
const EventType = temporal.api.enums.v1.EventType;

interface Check {
  name: string;
  problems: string[];
}

async function drill(options: DrillOptions): Promise<Check[]> {
  const log = (line: string): void =>
    console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const t0 = Date.now();
  await down(options.dir);
  purge(options.dir);
  downOnInterrupt(options.dir);
  const workspaceRoot = path.join(options.dir, 'workspaces');
  const effectLog = path.join(options.dir, 'effects.log');

  const fake = new FakeModelServer(drillScenario());
  await fake.start();
  log(
    `fake model server on ${fake.url} (latency: planner ${LATENCY_MS.planner} ms, executor ${LATENCY_MS.executor} ms, re-planner ${LATENCY_MS.replanner} ms)`,
  );
  const { cluster, timings } = await up({
    dir: options.dir,
    workers: 0,
    namespace: 'default',
    logLevel: 'warn',
    progress: log,
  });
  const clusterStartS = timings.reduce((n, [, s]) => n + s, 0);
  log(`cluster up (${timings.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join('; ')})`);

  let workerCount = 0;
  const newWorker = (): WorkerSpec => ({
    name: `drill-worker-${++workerCount}`,
    entry: 'deploy/cluster/drill/worker.ts',
    readyText: DRILL_WORKER_READY,
    env: { TASK_QUEUE, WORKSPACE_ROOT: workspaceRoot, ANTHROPIC_BASE_URL: fake.url, EFFECT_LOG: effectLog },
  });
  const checks: Check[] = [];
  let connection: Connection | undefined;
  try {
    const specs = Array.from({ length: options.workers }, newWorker);
    await Promise.all(specs.map((spec) => startWorker(cluster, spec)));
    log(`${options.workers} drill workers polling ${TASK_QUEUE}`);
    connection = await Connection.connect({ address: frontendAddress(cluster.state) });
    const client = new Client({ connection, namespace: cluster.state.namespace });
    const prefix = `cdrill-${new Date()
      .toISOString()
      .replace(/[^0-9]/g, '')
      .slice(0, 14)}`;
    const runs = planRuns(options.runs, prefix);
    const runsStarted = Date.now();
    const target = {
      cluster,
      pg: postgresOf(cluster.paths, cluster.state),
      workers: specs.map((s) => s.name),
      newWorker,
    };
    const inFlight = (): boolean => runs.some((r) => r.endedAt === undefined);
    const faultsDone = runFaultPlan(
      options.faults,
      target,
      { firstAfterMs: options.firstFaultMs, spacingMs: options.spacingMs },
      inFlight,
      (f) =>
        log(`fault: ${f.kind} (${f.detail}); back after ${((f.recoveredAt - f.at) / 1000).toFixed(1)} s`),
    );
    // The person approving works through the approvals at a steady pace over the fault plan, and gives the
    // last one only once every fault has landed: runs stay in flight for every fault.
    const approvals = runs.filter((r) => r.variant.requireApproval);
    const spanMs = options.firstFaultMs + options.faults.length * (options.spacingMs + 4_000);
    approvals.forEach((run, j) => {
      run.approvalGate = j === approvals.length - 1 ? faultsDone : sleep((j * spanMs) / approvals.length);
    });
    await startRuns(client, runs, TASK_QUEUE);
    log(`${runs.length} runs started (${VARIANTS.map((v) => v.name).join(', ')})`);
    const progress = setInterval(
      () =>
        log(
          `${runs.filter((r) => r.endedAt).length}/${runs.length} runs ended, ${fake.requests.length} model calls`,
        ),
      15_000,
    );
    await Promise.all(
      runs.map(async (run) => {
        await approveWhenAsked(run, options.timeoutMs).catch((err: Error) => (run.error = err.message));
        await awaitResult(run, options.timeoutMs);
      }),
    );
    clearInterval(progress);
    const faults: FaultRecord[] = await faultsDone;
    const runsEnded = Math.max(...runs.map((r) => r.endedAt ?? 0));
    log(`all runs ended; checking`);

    const effects = readEffects(effectLog);
    let repeatedCalls = 0;
    let inFlightRepeats = 0;
    let duplicateEffects = 0;
    let inFlightEffectRepeats = 0;
    let workflowTaskFailures = 0;
    for (const run of runs) {
      const problems = outcomeProblems(run, workspaceRoot);
      const calls = modelRepeats(fake.requests, run.workflowId, faults);
      const effectRuns = effectRepeats(effects, run.workflowId, faults);
      repeatedCalls += calls.completed.length;
      inFlightRepeats += calls.inFlight.length;
      duplicateEffects += effectRuns.completed.length;
      inFlightEffectRepeats += effectRuns.inFlight.length;
      if (calls.completed.length)
        problems.push(`model calls repeated after their answer: ${calls.completed.join(', ')}`);
      if (effectRuns.completed.length)
        problems.push(`effects done twice: ${effectRuns.completed.join(', ')}`);
      const history = run.handle
        ? await patiently(() => run.handle!.fetchHistory(), 60_000).catch(() => undefined)
        : undefined;
      const events = history?.events ?? [];
      workflowTaskFailures += events.filter(
        (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      ).length;
      const last = events.at(-1)?.eventType;
      if (last !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
        problems.push(`history ends with event type ${last ?? 'none'}, not completed`);
      checks.push({ name: `${run.workflowId} (${run.variant.name})`, problems });
    }

    const query = drillQuery(prefix);
    const listed = await listedByFilter(
      frontendAddress(cluster.state),
      cluster.state.namespace,
      query,
      runs.length,
    );
    checks.push({
      name: `list filter finds every run: temporal workflow list --query "${query}"`,
      problems: listed === runs.length ? [] : [`found ${listed} of ${runs.length}`],
    });
    checks.push({
      name: `every planned fault landed while runs were in flight (${options.faults.join(', ')})`,
      problems:
        faults.length === options.faults.length
          ? []
          : [`only ${faults.length} of ${options.faults.length} faults landed before the runs ended`],
    });

    const latencies = stepLatencies(fake.requests);
    const steps = runs.reduce((n, r) => n + (r.result?.stepsExecuted ?? 0), 0);
    console.log('');
    console.log(
      `Cluster drill: ${runs.length} runs (${VARIANTS.map((v) => v.name).join(', ')}) on ${options.workers} workers; Temporal services, PostgreSQL and workers each in their own process`,
    );
    for (const line of summaryTable({
      runs: runs.length,
      steps,
      faults: faults.length,
      lost: runs.filter((r) => outcomeProblems(r, workspaceRoot).length > 0).length,
      repeatedCalls,
      inFlightRepeats,
      duplicateEffects,
      inFlightEffectRepeats,
      workflowTaskFailures,
      stepsPerSecond: steps / ((runsEnded - runsStarted) / 1000),
      stepP50: percentile(latencies, 50),
      stepP99: percentile(latencies, 99),
    }))
      console.log(line);
    console.log('');
    const faultRows = faults.map((f) => ({
      ...f,
      offset: f.at - runsStarted,
      firstCallAfter: faultToProgress(f, fake.requests, effects),
      resumed: resumeTimes(f, runs, fake.requests, effects),
    }));
    for (const line of faultTable(faultRows, percentile)) console.log(line);
    console.log('');
    console.log(
      `cluster start ${clusterStartS.toFixed(1)} s; runs took ${((runsEnded - runsStarted) / 1000).toFixed(1)} s; ${fake.requests.length} model calls; list filter found ${listed} of ${runs.length} runs`,
    );
  } finally {
    await connection?.close();
    await fake.stop();
    if (!options.keep) {
      await down(options.dir);
      await sleep(500);
      const left = processesOf(cluster.paths.root);
      checks.push({
        name: 'down leaves no process of the cluster behind',
        problems: left.length ? [`still running: ${left.join(', ')}`] : [],
      });
    } else {
      console.log(`Cluster left running in ${options.dir}: npm run cluster -- status --dir ${options.dir}`);
    }
  }
  return checks;
}

async function main(): Promise<number> {
  const options = parseDrillOptions(process.argv.slice(2));
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const checks = await drill(options);
  const failed = checks.filter((c) => c.problems.length > 0);
  for (const check of failed) console.log(`FAILED ${check.name}: ${check.problems.join('; ')}`);
  const passed = checks.length - failed.length;
  if (options.json)
    writeFileSync(
      options.json,
      JSON.stringify({ numPassedTests: passed, numFailedTests: failed.length, numPendingTests: 0 }),
    );
  console.log(`${passed} passed, ${failed.length} failed`);
  return failed.length ? 1 : 0;
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(err instanceof DrillUsageError ? err.message : err);
    if (!(err instanceof DrillUsageError))
      console.error(`(the cluster folder keeps the logs; ${USAGE.split('\n')[0]})`);
    process.exit(err instanceof DrillUsageError ? 2 : 1);
  });

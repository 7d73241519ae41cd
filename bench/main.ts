/**
 * `npm run bench`: this project side by side with LangGraph.js plan-and-execute (SQLite checkpointer), in one
 * run on this machine, interleaved, against the same fake model server over HTTP, on the same work: N steps,
 * each one executor turn that calls write_file, one executor turn with text and one re-plan (the last one
 * finishes). Prints tables; asserts nothing about timing, but stops if either engine did not do the work.
 *
 * Workloads (--only picks some):
 *   sequential   one run at a time: ms/step for each engine, and the ratio project/peer
 *   throughput   --runs runs at once (10): steps/s for each, and the ratio
 *   latency      sequential with every model call delayed --latency-ms (200) at the fake server: ms/step and
 *                the overhead over the pure model time
 *   replan-size  one long run (--replan-steps, 60) per engine: bytes of each re-plan request as the fake
 *                server received it, at steps 5, 10, 20, 40, 60, and the step times up to each point
 *   wide         project only: 4 independent steps, 6 turns each, 500 ms model calls, run one at a time and
 *                four at once; the speed-up of the streaming scheduler

 * For the project, each table also shows figures from Temporal history (server timestamps): workflow tasks
 * per step, worker and queue time per workflow task, run and queue time per activity type, events per step.
 *
 * Flags: --only LIST, --engines project,peer, --rounds N (3), --steps N (20), --runs N (10),
 * --latency-ms N (200), --replan-steps N (60), --peer-durability async|sync|exit,
 * --server-db wal|file|memory, --server-arg ARG (repeatable), --json (tables to stderr, one JSON document to
 * stdout), --help. `npm run bench -- --help` explains each.
 *
 * Processes: a Temporal dev server on a free port (by default on a SQLite file in WAL mode with synchronous
 * FULL, the settings of the peer's SQLite checkpointer); this process runs the project's worker (bundle built
 * once); the fake model server and the peer each run in a process of their own, so the worker's RSS and CPU
 * are its own and so are the peer's. The peer (bench/peer-langgraph) is installed with npm ci on first use.
 */
import os from 'node:os';
import { FakeModel } from './fake';
import { parseFlags, USAGE, UsageError, type ServerDb } from './flags';
import { PeerEngine, ensurePeerInstalled } from './peer';
import { ProjectEngine } from './project';
import { perStepReport, replanReport, throughputReport, type Report } from './report';
import { mb } from './table';
import { PLAN_WINDOW } from './work';
import { mcpToolBox, mcpWorkload } from './mcp';
import { interleaved, measure, replanCurve, type Bench } from './workloads';
import { WIDE_LATENCY_MS, wideReport, wideWorkload } from './wide';

const WARM_UP_STEPS = 3;

const SERVER_DB_LABEL: Record<ServerDb, string> = {
  wal: 'a SQLite file (WAL, synchronous FULL: as the peer)',
  file: "a SQLite file (the dev server's own settings)",
  memory: 'memory',
};

const loadAverage = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (!flags) {
    console.log(USAGE);
    return;
  }
  const out = flags.json ? process.stderr : process.stdout;
  const print = (text: string): void => void out.write(`${text}\n\n`);
  const progress = (line: string): void => void process.stderr.write(`# ${line}\n`);
  const wantPeer = flags.engines.includes('peer');
  if (wantPeer) ensurePeerInstalled(progress);

  progress('starting the fake model server, the Temporal dev server and the worker, and the peer...');
  const fake = await FakeModel.start();
  const tools = flags.only.includes('mcp') ? mcpToolBox() : undefined;
  const bench: Bench = { flags, fake, progress, peakRssBytes: {} };
  const results: Record<string, unknown> = {};
  try {
    if (flags.engines.includes('project'))
      bench.project = await ProjectEngine.start({
        modelBaseUrl: fake.url,
        serverArgs: flags.serverArgs,
        serverDb: flags.serverDb,
        ...(tools ? { tools } : {}),
      });
    if (wantPeer) bench.peer = await PeerEngine.start(fake.url);

    print(
      [
        `Bench on ${os.cpus().length} cores, Node ${process.version}; ${flags.rounds} rounds per workload, interleaved ` +
          `(${flags.engines.join(', ')}); fake model server over HTTP on 127.0.0.1; plan window ${PLAN_WINDOW} steps.`,
        'Each step: one executor turn calling write_file, one executor turn with text, one re-plan.',
        `Project: Temporal dev server persisting to ${SERVER_DB_LABEL[flags.serverDb]}, worker in the bench process.`,
        `Peer: LangGraph.js plan-and-execute, SQLite checkpointer on a file, durability ${flags.peerDurability ?? 'async (default)'}.`,
        'Figures: median (min-max) over rounds. RSS: project = this process (worker); peer = its own process.',
        `Load average at the start: ${loadAverage()} (a busy machine makes every figure noisier).`,
      ].join('\n'),
    );
    for (const engine of flags.engines) {
      progress(`warm-up: one run of ${WARM_UP_STEPS} steps, ${engine} (not counted)...`);
      await measure(bench, engine, 'warm-up', 1, { steps: WARM_UP_STEPS, delayMs: 0 });
    }

    const show = (name: string, report: Report): void => {
      print(report.text);
      results[name] = report.json;
    };
    const { steps } = flags;
    for (const workload of flags.only) {
      if (workload === 'sequential') {
        const rounds = await interleaved(bench, workload, 1, { steps, delayMs: 0 });
        show(workload, perStepReport(`## sequential: one run of ${steps} steps`, rounds, steps, 0));
      } else if (workload === 'throughput') {
        const rounds = await interleaved(bench, workload, flags.runs, { steps, delayMs: 0 });
        show(
          workload,
          throughputReport(
            `## throughput: ${flags.runs} runs of ${steps} steps at once`,
            rounds,
            flags.runs,
            steps,
          ),
        );
      } else if (workload === 'latency') {
        const delayMs = flags.latencyMs;
        const rounds = await interleaved(bench, workload, 1, { steps, delayMs });
        show(
          workload,
          perStepReport(
            `## latency: one run of ${steps} steps, every model call takes ${delayMs} ms`,
            rounds,
            steps,
            delayMs,
          ),
        );
      } else if (workload === 'wide') {
        show(workload, wideReport(await wideWorkload(bench, WIDE_LATENCY_MS), WIDE_LATENCY_MS));
      } else if (workload === 'mcp') {
        show(workload, await mcpWorkload(bench, steps));
      } else {
        const curves: Parameters<typeof replanReport>[1] = {};
        for (const engine of flags.engines)
          curves[engine] = await replanCurve(bench, engine, flags.replanSteps);
        show(
          workload,
          replanReport(`## replan-size: one run of ${flags.replanSteps} steps per engine`, curves),
        );
      }
    }
    print(`Load average at the end: ${loadAverage()}`);
    const peaks = Object.entries(bench.peakRssBytes).map(([e, b]) => `${e} ${mb(b).toFixed(0)} MB`);
    const server = bench.project?.devServerRss();
    print(
      [
        `Peak RSS over the whole bench: ${peaks.join(', ')} (project: this process, with the worker; peer: its process).`,
        ...(server
          ? [
              `Temporal dev server (the project's persistence; the peer's is inside its process): ` +
                `${mb(server.nowBytes).toFixed(0)} MB at the end, peak ${mb(server.peakBytes).toFixed(0)} MB.`,
            ]
          : []),
      ].join('\n'),
    );
    results.peakRssBytes = { ...bench.peakRssBytes, ...(server ? { devServer: server.peakBytes } : {}) };
  } finally {
    await bench.peer?.shutdown();
    await bench.project?.shutdown();
    await tools?.close();
    await fake.stop();
  }
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ machine: { cores: os.cpus().length, node: process.version }, flags, results }, null, 2)}\n`,
    );
  }
}

// Exiting (rather than dying of the signal) runs the 'exit' hook that stops the dev server; the fake model
// server and the peer stop when their IPC channel closes.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});

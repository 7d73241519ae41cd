/**
 * Crash drills: a worker in its own process is killed with SIGKILL at chosen points (during a planner
 * call, between an executor model turn and its tool call, during a tool call, during re-planning), and a
 * new worker takes over; and the dev server itself is killed and restarted from its SQLite file mid-run.
 * Every run must finish with the right answer, with no completed model or tool call repeated (only the
 * one in flight at the kill may run again). Prints its figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, startDevServer, type DevServer } from '../../src/devserver/dev-server';
import { findTemporalCli } from '../../src/devserver/find-cli';
import { FakeModelServer, type RecordedRequest } from '../../src/fake-model/server';
import type { Scenario } from '../../src/fake-model/scenario';
import { workspaceDirName } from '../../src/tools';
import { planAndExecute } from '../../workflows';
import { RUN_WORKFLOW_TASK_TIMEOUT } from '../../workflows/timeouts';
import { recordHistory } from '../helpers/histories';
import { ROOT } from '../helpers/cli';
import { waitFor } from '../helpers/wait';

const TASK_QUEUE = 'drills';
const ANSWER = 'report verified';

/** Same script for every drill; every rule repeats so a call in flight at a kill is answered again. */
const scenario: Scenario = {
  rules: [
    {
      name: 'plan',
      match: { forcedTool: 'submit_plan' },
      repeat: true,
      delayMs: 1_500,
      reply: {
        toolCalls: [
          {
            name: 'submit_plan',
            input: {
              steps: [
                { id: 's1', title: 'Write the report', instructions: 'Write report.md', dependsOn: [] },
                {
                  id: 's2',
                  title: 'Check the report',
                  instructions: 'Read report.md back',
                  dependsOn: ['s1'],
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: 's1-write',
      match: { contains: 'Your step: s1:', lastMessageContains: 'Your step: s1:' },
      repeat: true,
      reply: {
        toolCalls: [
          { name: 'slow_write', input: { path: 'report.md', content: 'drill content', delayMs: 1_500 } },
        ],
      },
    },
    {
      name: 's1-done',
      match: { contains: 'Your step: s1:', lastMessageContains: 'Wrote' },
      repeat: true,
      reply: { text: 'wrote report.md' },
    },
    {
      name: 'replan-1',
      match: { forcedTool: 'submit_replan', contains: 'Steps just run: s1\n' },
      repeat: true,
      delayMs: 1_500,
      reply: {
        toolCalls: [
          {
            name: 'submit_replan',
            input: {
              action: 'continue',
              reason: 'check it',
              answer: '',
              remainingSteps: [
                {
                  id: 's2',
                  title: 'Check the report',
                  instructions: 'Read report.md back',
                  dependsOn: ['s1'],
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: 's2-read',
      match: { contains: 'Your step: s2:', lastMessageContains: 'Your step: s2:' },
      repeat: true,
      // Slow enough to kill the worker in it; the executor answered fast before, so it runs locally.
      delayMs: 300,
      reply: { toolCalls: [{ name: 'read_file', input: { path: 'report.md' } }] },
    },
    {
      name: 's2-done',
      match: { contains: 'Your step: s2:', lastMessageContains: 'drill content' },
      repeat: true,
      reply: { text: 'report says drill content' },
    },
    {
      name: 'finish',
      match: { forcedTool: 'submit_replan', contains: 'Steps just run: s2\n' },
      repeat: true,
      reply: {
        toolCalls: [
          {
            name: 'submit_replan',
            input: { action: 'finish', reason: 'done', answer: ANSWER, remainingSteps: [] },
          },
        ],
      },
    },
  ],
};

interface Hit {
  /** Idempotency key of the call in flight at the kill, if it was a model call. */
  modelKey?: string;
  toolKey?: string;
}

interface Drill {
  name: string;
  target: 'worker' | 'server';
  /**
   * Resolves once the drill's kill point is reached; `killNow` is called at that very moment (from the
   * fake model server's event, synchronously), so the kill lands exactly there.
   */
  arm: (wf: string, killNow: () => void) => Promise<Hit>;
  /** A second worker is already polling when the first is killed (otherwise a new one is started). */
  secondWorker?: boolean;
}

let fake: FakeModelServer;
let server: DevServer;
let tmp: string;
let port: number;
let drillLog: string;
const figures: {
  drill: string;
  kills: number;
  completedRepeated: number;
  inFlightRepeated: number;
  resumeSeconds: number;
  /** From the new worker polling to the run's progress; undefined when a second worker took over. */
  restartToResumeSeconds: number | undefined;
  answer: string;
}[] = [];

const requestsOf = (wf: string): RecordedRequest[] =>
  fake.requests.filter((r) => r.idempotencyKey?.startsWith(`${wf}@`));
const logLines = (wf: string): { at: number; kind: string; key: string; pid: number }[] =>
  (existsSync(drillLog) ? readFileSync(drillLog, 'utf8') : '')
    .split('\n')
    .filter((l) => l.includes(` ${wf}@`))
    .map((l) => {
      const [at, kind, key, pid] = l.split(' ');
      return { at: Number(at), kind: kind ?? '', key: key ?? '', pid: Number(pid) };
    });

/** Kill when the fake server sees (event 'request') or has answered (event 'response') a request of `rule`. */
const onModelEvent =
  (event: 'request' | 'response', rule: string) =>
  (wf: string, killNow: () => void): Promise<Hit> =>
    new Promise((resolve) => {
      const listener = (r: RecordedRequest): void => {
        if (r.rule !== rule || !r.idempotencyKey?.startsWith(`${wf}@`)) return;
        killNow();
        fake.off(event, listener);
        resolve({ ...(r.idempotencyKey ? { modelKey: r.idempotencyKey } : {}) });
      };
      fake.on(event, listener);
    });

/** Kill once the slow tool has started its work (it takes 1.5 s, so polling is precise enough). */
const duringTool = async (wf: string, killNow: () => void): Promise<Hit> => {
  const start = await waitFor(
    'the tool to start',
    () => logLines(wf).find((l) => l.kind === 'start'),
    60_000,
  );
  killNow();
  return { toolKey: start.key };
};

const drills: Drill[] = [
  { name: 'worker killed during a planner call', target: 'worker', arm: onModelEvent('request', 'plan') },
  {
    name: 'worker killed between an executor turn and its tool call',
    target: 'worker',
    arm: onModelEvent('response', 's1-write'),
  },
  { name: 'worker killed during a tool call', target: 'worker', arm: duringTool },
  { name: 'worker killed during re-planning', target: 'worker', arm: onModelEvent('request', 'replan-1') },
  {
    name: 'worker killed during a local executor turn',
    target: 'worker',
    arm: onModelEvent('request', 's2-read'),
  },
  {
    name: 'worker killed during a tool call, second worker up',
    target: 'worker',
    arm: duringTool,
    secondWorker: true,
  },
  {
    name: 'worker killed during a local turn, second worker up',
    target: 'worker',
    arm: onModelEvent('request', 's2-read'),
    secondWorker: true,
  },
  {
    name: 'dev server killed and restarted mid-run',
    target: 'server',
    arm: onModelEvent('request', 'replan-1'),
  },
];

/** From spawning a worker process to it polling (the workflow bundle comes from the cache). */
const startupMs: number[] = [];

function startWorker(): { child: ChildProcess; ready: Promise<number> } {
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/drills/drill-worker.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,

      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TASK_QUEUE,
      WORKSPACE_ROOT: path.join(tmp, 'ws'),
      ANTHROPIC_BASE_URL: fake.url,
      DRILL_LOG: drillLog,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('drill worker ready')) {
        startupMs.push(Date.now() - spawnedAt);
        resolve(Date.now());
      }
    });
    child.once('exit', (code) => reject(new Error(`drill worker exited with ${code}`)));
  });
  ready.catch(() => undefined);
  return { child, ready };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const startServer = () =>
  startDevServer({
    cliPath: findTemporalCli(),
    port,
    dbFile: path.join(tmp, 'dev.db'),
    extraArgs: ['--log-level', 'error'],
  });

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-drill-'));
  drillLog = path.join(tmp, 'drill.log');
  port = await freePort();
  fake = new FakeModelServer(scenario);
  await fake.start();
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
  await fake?.stop();
  rmSync(tmp, { recursive: true, force: true });
  const rows = figures.map(
    (f) =>
      `| ${f.drill.padEnd(56)} | ${String(f.kills).padStart(5)} | ${String(f.completedRepeated).padStart(24)} | ${String(f.inFlightRepeated).padStart(18)} | ${f.resumeSeconds.toFixed(1).padStart(15)} | ${(f.restartToResumeSeconds === undefined ? '–' : f.restartToResumeSeconds.toFixed(1)).padStart(18)} | ${f.answer.padEnd(6)} |`,
  );
  process.stdout.write(
    [
      '',
      'Crash drills',
      `| ${'drill'.padEnd(56)} | kills | completed calls repeated | in-flight repeated | kill→resume (s) | restart→resume (s) | answer |`,
      `|${'-'.repeat(58)}|-------|--------------------------|--------------------|-----------------|--------------------|--------|`,
      ...rows,
      `runs: ${figures.length}, kills: ${figures.reduce((n, f) => n + f.kills, 0)}, completed calls repeated: ${figures.reduce((n, f) => n + f.completedRepeated, 0)}`,
      `worker start to polling (process spawned to ready, bundle from the cache): median ${(median(startupMs) / 1000).toFixed(2)} s, max ${(Math.max(...startupMs) / 1000).toFixed(2)} s over ${startupMs.length} starts`,

      '',
    ].join('\n'),
  );
});

describe.each(drills.map((d, i) => [d.name, d, i] as const))('%s', (_name, drill, index) => {
  it('finishes with the right answer and repeats no completed call', async () => {
    let worker = startWorker();
    await worker.ready;
    let standby: ReturnType<typeof startWorker> | undefined;
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    try {
      const client = new Client({ connection });
      const workflowId = `drill-${index}-${Date.now()}`;
      const victim = drill.target === 'worker' ? worker.child : server.process;
      let killedAt = 0;
      const armed = drill.arm(workflowId, () => {
        killedAt = Date.now();
        victim.kill('SIGKILL');
      });
      const handle = await client.workflow.start(planAndExecute, {
        taskQueue: TASK_QUEUE,
        workflowId,
        workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT,
        args: [
          {
            goal: 'Write a report and verify it',
            options: {
              plannerModel: 'anthropic:drill-planner',
              executorModel: 'anthropic:drill-executor',
              replannerModel: 'anthropic:drill-planner',
            },
          },
        ],
      });
      if (drill.secondWorker) {
        // Started once the first worker holds the run (its planner call is out), so that the call the
        // drill kills is the first worker's, and the second one is idle, polling.
        await waitFor(
          'the planner call',
          () => (requestsOf(workflowId).length > 0 ? true : undefined),
          30_000,
        );
        standby = startWorker();
        await standby.ready;
      }
      const hit = await armed;
      if (victim.exitCode === null && victim.signalCode === null)
        await new Promise((resolve) => victim.once('exit', resolve));
      // A supervisor restarts the killed process at once (unless a second worker is already there).
      let restartedAt: number | undefined;
      if (drill.target === 'server') server = await startServer();
      else if (!standby) {
        worker = startWorker();
        restartedAt = await worker.ready;
      }

      // Resumed: the first model request or tool start of this run after the kill.
      const resumedAt = await waitFor(
        'the run to resume',
        () =>
          [
            ...requestsOf(workflowId).map((r) => r.startedAt),
            ...logLines(workflowId)
              .filter((l) => l.kind === 'start')
              .map((l) => l.at),
          ]
            .filter((t) => t > killedAt)
            .sort((a, b) => a - b)[0],
        60_000,
      );
      const result = await handle.result();
      await recordHistory(
        handle,
        drill.target === 'server' ? 'server-restarted' : `crashed-${index}`,
        `127.0.0.1:${port}`,
      );

      expect(result.answer).toBe(ANSWER);
      expect(readFileSync(path.join(tmp, 'ws', workspaceDirName(workflowId), 'report.md'), 'utf8')).toBe(
        'drill content',
      );

      // Model calls: per idempotency key, how many requests reached the model server.
      const perKey = new Map<string, number>();
      for (const r of requestsOf(workflowId))
        perKey.set(r.idempotencyKey!, (perKey.get(r.idempotencyKey!) ?? 0) + 1);
      const repeated = [...perKey].filter(([, n]) => n > 1).map(([k]) => k);
      const completedRepeated = repeated.filter((k) => k !== hit.modelKey);
      expect(completedRepeated).toEqual([]);
      expect(perKey.size).toBe(7); // plan, s1 x2, re-plan, s2 x2, finish

      // Tool calls: the write's side effect ran to completion exactly once.
      const lines = logLines(workflowId);
      const starts = lines.filter((l) => l.kind === 'start');
      const dones = lines.filter((l) => l.kind === 'done');
      expect(dones).toHaveLength(1);
      expect(starts).toHaveLength(hit.toolKey ? 2 : 1); // only a call killed midway starts again

      figures.push({
        drill: drill.name,
        kills: 1,
        completedRepeated: completedRepeated.length + Math.max(0, dones.length - 1),
        inFlightRepeated: repeated.length - completedRepeated.length + (starts.length - 1),
        resumeSeconds: (resumedAt - killedAt) / 1000,
        restartToResumeSeconds:
          restartedAt === undefined ? undefined : Math.max(0, resumedAt - restartedAt) / 1000,
        answer: result.answer === ANSWER ? 'right' : 'WRONG',
      });
    } finally {
      await kill(worker.child);
      if (standby) await kill(standby.child);
      await connection.close();
    }
  });
});

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

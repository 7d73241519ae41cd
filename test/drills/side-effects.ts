/**
 * "A side effect happens once, even across a crash", checked at the one moment the stored results exist
 * for: the worker is killed after a side-effecting tool has done its effect and stored its result, and
 * before the server hears the call completed. The server retries the call on another worker; the retry
 * must return the stored result and leave the effect alone. Shared by the drill (npm run drill) and the
 * e2e test (npm test), each with its own servers.
 *
 * The effects are observed in the world, not in the store: write_file's file is changed by the test after
 * the kill (a redone write would put the old content back), and place_order appends to a ledger (a redone
 * order adds a line, with a new receipt).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FakeModelServer } from '../../src/fake-model/server';
import type { Scenario } from '../../src/fake-model/scenario';
import { workspaceDirName } from '../../src/tools';
import { planAndExecute } from '../../workflows';
import { startChildWorker, stopChildWorker, type ChildWorker } from '../helpers/child-worker';
import { ORDERS_LEDGER, PLACE_ORDER_TOOL } from './side-effect-tools';

export const SIDE_EFFECT_ANSWER = 'report written and order placed';
const REPORT = 'report.md';
const REPORT_CONTENT = 'drill content';
/** What the test writes into the report after the kill: a redone write_file would replace it. */
export const CHANGED_AFTER_KILL = 'changed by a person after the kill';

/**
 * s1 writes the report (write_file), s2 places an order (place_order). `parallel`: both run at once (one
 * kill can catch both calls stored); otherwise s2 waits for s1, so each call can have its own kill.
 */
export function sideEffectScenario(parallel: boolean): Scenario {
  const submit = (name: string, input: unknown) => ({ toolCalls: [{ name, input }] });
  const step = (id: string, title: string, dependsOn: string[]) => ({
    id,
    title,
    instructions: title,
    dependsOn,
  });
  return {
    rules: [
      {
        name: 'plan',
        match: { forcedTool: 'submit_plan' },
        repeat: true,
        reply: submit('submit_plan', {
          steps: [step('s1', 'Write the report', []), step('s2', 'Place the order', parallel ? [] : ['s1'])],
        }),
      },
      {
        name: 's1-write',
        match: { contains: 'Your step: s1:', lastMessageContains: 'Your step: s1:' },
        repeat: true,
        reply: submit('write_file', { path: REPORT, content: REPORT_CONTENT }),
      },
      {
        name: 's1-done',
        match: { contains: 'Your step: s1:', lastMessageContains: 'Wrote' },
        repeat: true,
        reply: { text: 'wrote the report' },
      },
      {
        name: 's2-order',
        match: { contains: 'Your step: s2:', lastMessageContains: 'Your step: s2:' },
        repeat: true,
        reply: submit(PLACE_ORDER_TOOL, { item: 'one book' }),
      },
      {
        name: 's2-done',
        match: { contains: 'Your step: s2:', lastMessageContains: 'Ordered' },
        repeat: true,
        reply: { text: 'ordered the book' },
      },
      {
        name: 'replan-after-s1',
        match: { forcedTool: 'submit_replan', contains: 'Steps just run: s1\n' },
        repeat: true,
        reply: submit('submit_replan', {
          action: 'continue',
          reason: 'order next',
          answer: '',
          remainingSteps: [step('s2', 'Place the order', ['s1'])],
        }),
      },
      {
        name: 'finish',
        match: { forcedTool: 'submit_replan' },
        repeat: true,
        reply: submit('submit_replan', {
          action: 'finish',
          reason: 'done',
          answer: SIDE_EFFECT_ANSWER,
          remainingSteps: [],
        }),
      },
    ],
  };
}

export interface SideEffectSetting {
  client: Client;
  address: string;
  fake: FakeModelServer;
  workspaceRoot: string;
  taskQueue: string;
  drillLog: string;
  workflowId: string;
  /** One worker per entry, each killing itself once these tools have stored their results; then one that finishes. */
  kills: string[][];
}

export interface SideEffectObservation {
  answer: string | null;
  /** How each killed worker ended (SIGKILL expected). */
  killSignals: (NodeJS.Signals | number | null)[];
  /** What the killed workers logged: the results they stored before dying. */
  stored: { tool: string; key: string; content: string }[];
  /** The attempt on which each tool's tool activity completed, from history. */
  completedOnAttempt: Record<string, number>;
  reportContent: string | undefined;
  ledgerLines: string[];
  /** The place_order result the executor saw in its next turn. */
  orderResultSeenByModel: string | undefined;
  /** Idempotency keys of model calls that reached the fake server more than once. */
  modelKeysRepeated: string[];
  /** Seconds from the start to the run's end, kills and retries included. */
  seconds: number;
}

/** Run the drill once: start, kill at the moment, (probe), resume, finish; return what was observed. */
export async function runSideEffectDrill(s: SideEffectSetting): Promise<SideEffectObservation> {
  const started = Date.now();
  const workspace = path.join(s.workspaceRoot, workspaceDirName(s.workflowId));
  const settings = {
    address: s.address,
    taskQueue: s.taskQueue,
    workspaceRoot: s.workspaceRoot,
    modelBaseUrl: s.fake.url,
    drillLog: s.drillLog,
  };
  const killSignals: (NodeJS.Signals | number | null)[] = [];
  let worker: ChildWorker | undefined;
  try {
    const handle = await (async () => {
      worker = startChildWorker({ ...settings, killAfterStore: s.kills[0] ?? [] });
      await worker.ready;
      return s.client.workflow.start(planAndExecute, {
        taskQueue: s.taskQueue,
        workflowId: s.workflowId,
        args: [
          {
            goal: 'Write the report and place the order',
            options: {
              plannerModel: 'anthropic:drill-planner',
              executorModel: 'anthropic:drill-executor',
              replannerModel: 'anthropic:drill-planner',
              maxParallelSteps: 2,
            },
          },
        ],
      });
    })();
    for (const [index, tools] of s.kills.entries()) {
      killSignals.push(await worker!.exited);
      if (tools.includes('write_file')) writeFileSync(path.join(workspace, REPORT), CHANGED_AFTER_KILL);
      worker = startChildWorker({
        ...settings,
        ...(s.kills[index + 1] ? { killAfterStore: s.kills[index + 1] } : {}),
      });
      await worker.ready;
    }
    const result = await handle.result();
    return {
      answer: result.answer,
      killSignals,
      stored: storedLines(s.drillLog, s.workflowId),
      completedOnAttempt: await runToolAttempts(handle),
      reportContent: readIfThere(path.join(workspace, REPORT)),
      ledgerLines: (readIfThere(path.join(workspace, ORDERS_LEDGER)) ?? '').split('\n').filter(Boolean),
      orderResultSeenByModel: s.fake.requests.find(
        (r) => r.idempotencyKey?.startsWith(`${s.workflowId}@`) && r.rule === 's2-done',
      )?.lastMessageText,
      modelKeysRepeated: repeatedKeys(s.fake, s.workflowId),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await stopChildWorker(worker);
  }
}

function readIfThere(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function storedLines(drillLog: string, workflowId: string): SideEffectObservation['stored'] {
  return (readIfThere(drillLog) ?? '')
    .split('\n')
    .map((line) => /^\d+ stored (\S+) (\S+) (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && (m[2] ?? '').startsWith(`${workflowId}@`))
    .map((m) => ({ tool: m[1]!, key: m[2]!, content: JSON.parse(m[3]!) as string }));
}

function repeatedKeys(fake: FakeModelServer, workflowId: string): string[] {
  const seen = new Map<string, number>();
  for (const r of fake.requests) {
    if (!r.idempotencyKey?.startsWith(`${workflowId}@`)) continue;
    seen.set(r.idempotencyKey, (seen.get(r.idempotencyKey) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

/** For each tool called through the tool activity: the attempt whose start history kept (the one that completed). */
async function runToolAttempts(
  handle: Awaited<ReturnType<Client['workflow']['start']>>,
): Promise<Record<string, number>> {
  const events = (await handle.fetchHistory()).events ?? [];
  const toolBySchedule = new Map<string, string>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'tool') continue;
    const data = scheduled.input?.payloads?.[0]?.data;
    const input = data
      ? (JSON.parse(Buffer.from(data).toString('utf8')) as { call: { name: string } })
      : undefined;
    if (input) toolBySchedule.set(String(e.eventId), input.call.name);
  }
  const attempts: Record<string, number> = {};
  for (const e of events) {
    const started = e.activityTaskStartedEventAttributes;
    const tool = started ? toolBySchedule.get(String(started.scheduledEventId)) : undefined;
    if (tool && started) attempts[tool] = started.attempt ?? 1;
  }
  return attempts;
}

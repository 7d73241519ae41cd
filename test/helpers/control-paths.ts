/**
 * Send one control to a run by one of the paths it is offered on, and learn whether the run took it:
 * - `update`: the client's executeUpdate (the validator refuses, the caller learns why at once);
 * - `signal`: the official `temporal workflow signal` (a refused signal shows as `signal_rejected` in the
 *   run's event log; an accepted one as its own event);
 * - `cli`: `npm run agent -- <command>` in its own process (exit 1 with "Rejected: ..." when refused).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import * as m from '../../workflows/messages';
import { runCli } from './cli';
import { waitFor } from './wait';

export const PATHS = ['update', 'signal', 'cli'] as const;
export type ControlPath = (typeof PATHS)[number];

export interface Payloads {
  editPlan: m.EditPlanPayload;
  approve: m.ApprovePayload;
  reject: m.RejectPayload;
  pause: m.PausePayload;
  resume: m.ResumePayload;
  cancel: m.CancelPayload;
  advise: m.AdvisePayload;
  answer: m.AnswerPayload;
}
export type ControlName = keyof Payloads;

export interface ControlOutcome {
  accepted: boolean;
  /** The acknowledgement's message, the accepted event's message (signal), or the reason for the refusal. */
  message: string;
  /** Plan version the acknowledgement reports (update and CLI). */
  planVersion?: number;
}

export interface ControlTarget {
  handle: WorkflowHandle;
  /** The dev server's address, for the temporal CLI and npm run agent. */
  address: string;
  taskQueue: string;
}

const updates = {
  editPlan: m.editPlanUpdate,
  approve: m.approveUpdate,
  reject: m.rejectUpdate,
  pause: m.pauseUpdate,
  resume: m.resumeUpdate,
  cancel: m.cancelUpdate,
  advise: m.adviseUpdate,
  answer: m.answerUpdate,
} as const;

/** The event an accepted control leaves in the run's log. */
const ACCEPTED_EVENT: Record<ControlName, string> = {
  editPlan: 'plan_edited',
  approve: 'approved',
  reject: 'rejected',
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancel_requested',
  advise: 'advice',
  answer: 'question_answered',
};

export async function sendControl<N extends ControlName>(
  via: ControlPath,
  target: ControlTarget,
  name: N,
  payload: Payloads[N],
): Promise<ControlOutcome> {
  if (via === 'update') return byUpdate(target, name, payload);
  if (via === 'signal') return bySignal(target, name, payload);
  return byCli(target, name, payload);
}

async function byUpdate<N extends ControlName>(
  { handle }: ControlTarget,
  name: N,
  payload: Payloads[N],
): Promise<ControlOutcome> {
  try {
    // The definitions differ only in their payload type, which `Payloads` ties to the name.
    const ack = await handle.executeUpdate(updates[name] as UpdateDefinition<m.ControlAck, [Payloads[N]]>, {
      args: [payload],
    });
    return { accepted: true, message: ack.message, planVersion: ack.planVersion };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      return { accepted: false, message: err.cause?.message ?? err.message };
    return { accepted: false, message: err instanceof Error ? err.message : String(err) };
  }
}

async function bySignal<N extends ControlName>(
  target: ControlTarget,
  name: N,
  payload: Payloads[N],
): Promise<ControlOutcome> {
  const { handle } = target;
  const before = (await handle.query(m.getStateQuery)).eventsTotal;
  try {
    await signalOnly(target, name, payload);
  } catch (err) {
    // The server refused the signal itself (e.g. the run has ended): the CLI says why on stderr.
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    return { accepted: false, message: stderr.trim() };
  }
  return waitFor(`the ${name} signal to be handled`, async () => {
    const state = await handle.query(m.getStateQuery);
    const fresh = state.events.filter((e) => e.seq > before);
    const refused = fresh.find((e) => e.kind === 'signal_rejected' && e.message.startsWith(`${name} signal`));
    if (refused) {
      return { accepted: false, message: refused.message.replace(`${name} signal rejected: `, '') };
    }
    const taken = fresh.find((e) => e.kind === ACCEPTED_EVENT[name]);
    return taken ? { accepted: true, message: taken.message } : undefined;
  });
}

/** Send a signal with `temporal workflow signal`; resolves once the server has it in the run's history. */
export async function signalOnly<N extends ControlName>(
  { handle, address }: ControlTarget,
  name: N,
  payload: Payloads[N],
): Promise<void> {
  await promisify(execFile)(process.env.TEMPORAL_CLI_PATH!, [
    'workflow',
    'signal',
    '--address',
    address,
    '--namespace',
    'default',
    '--workflow-id',
    handle.workflowId,
    '--name',
    name,
    '--input',
    JSON.stringify(payload),
  ]);
}

async function byCli<N extends ControlName>(
  { handle, address, taskQueue }: ControlTarget,
  name: N,
  payload: Payloads[N],
): Promise<ControlOutcome> {
  const args = cliArgs(handle.workflowId, name, payload);
  const run = await runCli('src/cli/agent.ts', [...args, '--json'], {
    TEMPORAL_ADDRESS: address,
    TASK_QUEUE: taskQueue,
  });
  if (run.code === 0) {
    const ack = JSON.parse(run.stdout) as m.ControlAck;
    return { accepted: true, message: ack.message, planVersion: ack.planVersion };
  }
  return { accepted: false, message: run.stderr.trim().replace(/^Rejected: /, '') };
}

/** The `npm run agent` command line that sends `payload`, as a person would type it. */
function cliArgs<N extends ControlName>(id: string, name: N, payload: Payloads[N]): string[] {
  const p = payload as Partial<m.ApprovePayload & m.RejectPayload & m.AdvisePayload & m.AnswerPayload>;
  const reason = p.reason !== undefined ? ['--reason', p.reason] : [];
  const opsFile = (ops: unknown[] | undefined): string[] => {
    if (!ops || ops.length === 0) return [];
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pe-ops-')), 'ops.json');
    writeFileSync(file, JSON.stringify(ops));
    return ['--file', file];
  };
  switch (name) {
    case 'editPlan':
      return ['edit', id, ...opsFile(p.ops), ...reason];
    case 'approve':
      return ['approve', id, ...opsFile(p.ops), ...reason];
    case 'reject':
      return ['reject', id, ...reason];
    case 'pause':
      return ['pause', id, ...reason];
    case 'resume':
      return ['resume', id];
    case 'cancel':
      return ['cancel', id, ...reason];
    case 'advise':
      return ['advise', id, p.note ?? ''];
    case 'answer':
      return [
        'answer',
        id,
        p.answer ?? '',
        ...(p.questionId !== undefined ? ['--question', p.questionId] : []),
      ];
  }
  throw new Error(`no CLI command for ${String(name)}`);
}

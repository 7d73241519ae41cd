/**
 * `npm run agent -- <command>`: start, inspect and steer runs on the server named by the TEMPORAL_*
 * variables. Every control is sent as a Temporal Update, so a refusal comes back at once with its reason.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../config';
import { workflowUiUrl } from '../config/temporal';
import { planAndExecute } from '../../workflows';
import * as m from '../../workflows/messages';
import { describeZodError } from '../../workflows/schemas';
import { connectClient, type ConnectedClient } from './connect';
import { editFromFlags, EDIT_FLAGS } from './edit-ops';
import { runCommand } from './exit';
import { parseFlags } from './flags';
import { runStartOptions } from './start';
import { followRun } from './follow';
import { formatEvent, formatResult, formatState } from './format';
import { formatReport, reportFromState } from '../report';
import { buildRunInput, decimalFlag, newWorkflowId, RUN_OPTION_FLAGS, UsageError } from './run-input';
import { watchRun } from './watch';

const USAGE = `Usage: npm run agent -- <command>
  start "<goal>" [--context TEXT] [--planner-model P:M] [--executor-model P:M] [--replanner-model P:M]
                 [--max-steps N] [--max-replans N] [--max-turns N] [--parallel N] [--require-approval]
                 [--approval-timeout SEC] [--on-approval-timeout reject|approve] [--question-timeout SEC]
                 [--budget-usd N] [--budget-tokens N] [--budget-minutes N] [--on-budget-exhausted wait|end]
                 [--id ID] [--wait] [--json]
  status <id> [--json]             state: plan, results, revisions, question, usage
  result <id> [--json]             waits for the run to end and prints its result
  list [--limit N] [--json]        recent runs
  watch <id>                       the plan and each step's status, live, until the run ends
  approve <id> [edit flags] [--reason TEXT]
  reject <id> --reason TEXT
  edit <id> edit flags [--reason TEXT]
      --add ID --title T --instructions I [--after ID] [--depends-on a,b]
      --update ID [--title T] [--instructions I]     --set-deps ID --depends-on a,b
      --remove ID     --reorder a,b,c     --file ops.json (a list of ops, or {"ops": [...], "reason": "..."})
  pause <id> [--reason TEXT]       resume <id>       cancel <id> [--reason TEXT]
  advise <id> "<note>"             answer <id> "<answer>" [--question QID]
  budget <id> [--add-usd N] [--add-tokens N] [--add-minutes N] [--reason TEXT]
                                   extends the budget; a run waiting in awaiting_budget goes on
  report <id> [--json]             plan quality: steps, re-plans, parallelism, cost and time, retries, waits, cache`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseFlags(USAGE, {
    args: rest,
    allowPositionals: true,
    options: {
      ...RUN_OPTION_FLAGS,
      ...EDIT_FLAGS,
      wait: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      limit: { type: 'string', default: '20' },
      question: { type: 'string' },
      'add-usd': { type: 'string' },
      'add-tokens': { type: 'string' },
      'add-minutes': { type: 'string' },
    },
  });
  const config = loadConfig();
  const json = values.json;
  const withRun = (
    work: (handle: WorkflowHandle<typeof planAndExecute>, c: ConnectedClient) => Promise<number>,
  ) => {
    const workflowId = requireArg(positionals[0], 'the workflow id');
    return withClient((c) => work(c.client.workflow.getHandle<typeof planAndExecute>(workflowId), c));
  };

  switch (command) {
    case 'start': {
      const input = buildRunInput(positionals[0], values, config);
      return withClient(async ({ client, settings }) => {
        const workflowId = values.id ?? newWorkflowId();
        const handle = await client.workflow.start(
          planAndExecute,
          runStartOptions(input, config.taskQueue, workflowId),
        );
        const ui = workflowUiUrl(settings, workflowId, handle.firstExecutionRunId, config.uiUrl) ?? null;
        const started = [
          `Started ${workflowId}`,
          `  run id: ${handle.firstExecutionRunId}`,
          `  web UI: ${ui ?? '(set TEMPORAL_UI_URL for a link)'}`,
        ].join('\n');
        if (!values.wait) {
          print(json, { workflowId, runId: handle.firstExecutionRunId, ui }, () => started);
          return 0;
        }
        if (!json) console.log(started);
        const result = await followRun(handle, handle.result(), (e) => json || console.log(formatEvent(e)));
        print(json, { workflowId, ui, ...result }, () => formatResult(result));
        return 0;
      });
    }
    case 'status':
      return withRun(async (handle) => {
        const description = await handle.describe();
        try {
          const state = await handle.query(m.getStateQuery);
          print(json, { workflowId: handle.workflowId, execution: description.status.name, ...state }, () =>
            [`${handle.workflowId} (${description.status.name})`, formatState(state)].join('\n'),
          );
        } catch (err) {
          print(
            json,
            { workflowId: handle.workflowId, execution: description.status.name },
            () =>
              `${handle.workflowId}: ${description.status.name}\n(no worker answered the state query: ${(err as Error).message}; start one with \`npm run worker\`)`,
          );
        }
        return 0;
      });
    case 'result':
      return withRun(async (handle) => {
        if (!json) console.error(`Waiting for ${handle.workflowId} to end...`);
        const result = await handle.result();
        print(json, { workflowId: handle.workflowId, ...result }, () => formatResult(result));
        return 0;
      });
    case 'list':
      return withClient(async ({ client }) => {
        const rows: { workflowId: string; status: string; startTime: string }[] = [];
        for await (const wf of client.workflow.list({ query: `WorkflowType = '${m.WORKFLOW_TYPE}'` })) {
          rows.push({
            workflowId: wf.workflowId,
            status: wf.status.name,
            startTime: wf.startTime.toISOString(),
          });
          if (rows.length >= Number(values.limit)) break;
        }
        print(json, rows, () =>
          rows.length === 0
            ? '(no runs)'
            : rows.map((r) => `${r.startTime}  ${r.status.padEnd(11)} ${r.workflowId}`).join('\n'),
        );
        return 0;
      });
    case 'watch':
      return withRun(async (handle) => {
        const state = await watchRun(handle);
        return state?.status === 'failed' ? 1 : 0;
      });
    case 'approve': {
      const edit = editFromFlags(values);
      return withRun((handle) =>
        control(
          json,
          handle.executeUpdate(m.approveUpdate, {
            args: [{ ...(edit ?? {}), ...(values.reason ? { reason: values.reason } : {}) }],
          }),
        ),
      );
    }
    case 'reject': {
      const reason = requireArg(values.reason, '--reason');
      return withRun((handle) => control(json, handle.executeUpdate(m.rejectUpdate, { args: [{ reason }] })));
    }
    case 'edit': {
      const edit = editFromFlags(values);
      if (!edit) throw new UsageError(`edit needs at least one change.\n${USAGE}`);
      return withRun((handle) => control(json, handle.executeUpdate(m.editPlanUpdate, { args: [edit] })));
    }
    case 'pause':
      return withRun((handle) =>
        control(
          json,
          handle.executeUpdate(m.pauseUpdate, { args: [values.reason ? { reason: values.reason } : {}] }),
        ),
      );
    case 'resume':
      return withRun((handle) => control(json, handle.executeUpdate(m.resumeUpdate, { args: [{}] })));
    case 'cancel':
      return withRun((handle) =>
        control(
          json,
          handle.executeUpdate(m.cancelUpdate, { args: [values.reason ? { reason: values.reason } : {}] }),
        ),
      );
    case 'advise': {
      const note = requireArg(positionals[1], 'the note (in quotes)');
      return withRun((handle) => control(json, handle.executeUpdate(m.adviseUpdate, { args: [{ note }] })));
    }
    case 'answer': {
      const answer = requireArg(positionals[1], 'the answer (in quotes)');
      const payload = { answer, ...(values.question ? { questionId: values.question } : {}) };
      return withRun((handle) => control(json, handle.executeUpdate(m.answerUpdate, { args: [payload] })));
    }
    case 'budget': {
      const payload = {
        ...decimalFlag('addUsd', '--add-usd', values['add-usd']),
        ...decimalFlag('addTokens', '--add-tokens', values['add-tokens']),
        ...decimalFlag('addMinutes', '--add-minutes', values['add-minutes']),
        ...(values.reason ? { reason: values.reason } : {}),
      };
      const parsed = m.BudgetSchema.safeParse(payload);
      if (!parsed.success) {
        throw new UsageError(`budget: ${describeZodError(parsed.error)}.\n${USAGE}`);
      }
      return withRun((handle) => control(json, handle.executeUpdate(m.budgetUpdate, { args: [payload] })));
    }
    case 'report':
      return withRun(async (handle) => {
        const report = reportFromState(await handle.query(m.getStateQuery));
        print(json, { workflowId: handle.workflowId, ...report }, () => formatReport(report));
        return 0;
      });
    default:
      throw new UsageError(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
  }
}

/** Print an accepted control's acknowledgement; a refusal propagates to the error handler below. */
async function control(json: boolean | undefined, update: Promise<m.ControlAck>): Promise<number> {
  const ack = await update;
  print(json, ack, () => `OK: ${ack.message} (plan v${ack.planVersion}, status ${ack.status})`);
  return 0;
}

function requireArg(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`Missing ${what}.\n${USAGE}`);
  return value;
}

function print(json: boolean | undefined, data: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(data, null, 2) : text());
}

async function withClient(work: (c: ConnectedClient) => Promise<number>): Promise<number> {
  const connected = await connectClient();
  try {
    return await work(connected);
  } finally {
    await connected.close();
  }
}

runCommand(() => main(process.argv.slice(2)));

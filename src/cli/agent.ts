/**
 * `npm run agent -- <command>`: start runs and inspect them on the server named by the TEMPORAL_* variables.
 *   start "<goal>" [options] [--wait] [--json]   status <id> [--json]   result <id> [--json]   list [--limit N]
 */
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ConfigError, loadConfig } from '../config';
import { workflowUiUrl } from '../config/temporal';
import { getStateQuery, WORKFLOW_TYPE } from '../../workflows/messages';
import { planAndExecute } from '../../workflows';
import { connectClient, type ConnectedClient } from './connect';
import { followRun } from './follow';
import { formatEvent, formatResult, formatState } from './format';
import { parseFlags } from './flags';
import { buildRunInput, newWorkflowId, RUN_OPTION_FLAGS, UsageError } from './run-input';

const USAGE = `Usage: npm run agent -- <command>
  start "<goal>" [--context TEXT] [--planner-model P:M] [--executor-model P:M] [--replanner-model P:M]
                 [--max-steps N] [--max-replans N] [--max-turns N] [--parallel N] [--id ID] [--wait] [--json]
  status <workflow-id> [--json]
  result <workflow-id> [--json]      waits for the run to end
  list [--limit N] [--json]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseFlags(USAGE, {
    args: rest,
    allowPositionals: true,
    options: {
      ...RUN_OPTION_FLAGS,
      wait: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      limit: { type: 'string', default: '20' },
    },
  });
  const config = loadConfig();
  switch (command) {
    case 'start': {
      const input = buildRunInput(positionals[0], values, config);
      return withClient(async ({ client, settings }) => {
        const workflowId = values.id ?? newWorkflowId();
        const handle = await client.workflow.start(planAndExecute, {
          taskQueue: config.taskQueue,
          workflowId,
          args: [input],
          staticSummary: `Plan-and-execute: ${input.goal.slice(0, 180)}`,
        });
        const link = workflowUiUrl(settings, workflowId, handle.firstExecutionRunId, config.uiUrl);
        if (!values.wait) {
          print(values.json, { workflowId, runId: handle.firstExecutionRunId, ui: link ?? null }, () =>
            [
              `Started ${workflowId}`,
              `  run id: ${handle.firstExecutionRunId}`,
              `  web UI: ${link ?? '(set TEMPORAL_UI_URL for a link)'}`,
            ].join('\n'),
          );
          return 0;
        }
        if (!values.json)
          console.log(`Started ${workflowId}\n  web UI: ${link ?? '(set TEMPORAL_UI_URL for a link)'}`);
        const result = await followRun(
          handle,
          handle.result(),
          (e) => values.json || console.log(formatEvent(e)),
        );
        print(values.json, { workflowId, ui: link ?? null, ...result }, () => formatResult(result));
        return 0;
      });
    }
    case 'status': {
      const workflowId = requireId(positionals[0]);
      return withClient(async ({ client }) => {
        const handle = client.workflow.getHandle(workflowId);
        const description = await handle.describe();
        try {
          const state = await handle.query(getStateQuery);
          print(values.json, { workflowId, execution: description.status.name, ...state }, () =>
            [`${workflowId} (${description.status.name})`, formatState(state)].join('\n'),
          );
        } catch (err) {
          if (values.json) console.log(JSON.stringify({ workflowId, execution: description.status.name }));
          else {
            console.log(`${workflowId}: ${description.status.name}`);
            console.log(
              `(no worker answered the state query: ${(err as Error).message}; start one with \`npm run worker\`)`,
            );
          }
        }
        return 0;
      });
    }
    case 'result': {
      const workflowId = requireId(positionals[0]);
      return withClient(async ({ client }) => {
        const handle = client.workflow.getHandle<typeof planAndExecute>(workflowId);
        if (!values.json) console.error(`Waiting for ${workflowId} to end...`);
        const result = await handle.result();
        print(values.json, { workflowId, ...result }, () => formatResult(result));
        return 0;
      });
    }
    case 'list': {
      return withClient(async ({ client }) => {
        const rows: { workflowId: string; status: string; startTime: string }[] = [];
        for await (const wf of client.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPE}'` })) {
          rows.push({
            workflowId: wf.workflowId,
            status: wf.status.name,
            startTime: wf.startTime.toISOString(),
          });
          if (rows.length >= Number(values.limit)) break;
        }
        print(values.json, rows, () =>
          rows.length === 0
            ? '(no runs)'
            : rows.map((r) => `${r.startTime}  ${r.status.padEnd(11)} ${r.workflowId}`).join('\n'),
        );
        return 0;
      });
    }
    default:
      throw new UsageError(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
  }
}

function requireId(id: string | undefined): string {
  if (!id) throw new UsageError(`Missing the workflow id.\n${USAGE}`);
  return id;
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

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    if (err instanceof UsageError || err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof WorkflowFailedError) {
      console.error(`Run failed: ${err.cause?.message ?? err.message}`);
      process.exit(1);
    }
    if (err instanceof WorkflowNotFoundError) {
      console.error(`No such run: ${err.workflowId ?? ''} (check the id with \`npm run agent -- list\`)`);
      process.exit(1);
    }
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });

/**
 * `npm run agent -- <command>`: start, inspect and steer runs on the server named by the TEMPORAL_*
 * variables, through the client library (src/client): one client path for scripts and the CLI.
 */
import { loadConfig } from '../config';
import { connectClient, type ConnectedClient } from '../client/connect';
import { PlanRuns } from '../client/plan-runs';
import type { CommandContext } from './commands/context';
import * as controls from './commands/controls';
import * as runs from './commands/runs';
import { EDIT_FLAGS } from './edit-ops';
import { runCommand } from './exit';
import { checkFlags } from './flag-rules';
import { parseFlags } from './flags';
import { RUN_OPTION_FLAGS } from './run-input';
import { UsageError } from './usage-error';

const USAGE = `Usage: npm run agent -- <command>
  start "<goal>" [--context TEXT] [--planner-model P:M] [--executor-model P:M] [--replanner-model P:M]
                 [--max-steps N] [--max-replans N] [--max-turns N] [--parallel N]
                 [--require-approval [--approval-timeout SEC [--on-approval-timeout reject|approve]]]
                 [--question-timeout SEC] [--budget-usd N] [--budget-tokens N] [--budget-minutes N]
                 [--on-budget-exhausted wait|end] [--id ID] [--wait] [--json]
  status <id> [--json]             state: plan, results, revisions, question, usage
  result <id> [--json]             waits for the run to end and prints its result
  list [--limit N] [--status S] [--needs-person] [--min-cost USD] [--query Q] [--json]
                                   recent runs, filtered by their status, waiting for a person, cost

  watch <id>                       the plan and each step's status, live, until the run ends
  approve <id> [edit flags] [--reason TEXT] [--json]
  reject <id> --reason TEXT [--json]
  edit <id> edit flags [--reason TEXT] [--json]
      --add ID --title T --instructions I [--after ID] [--depends-on a,b]
      --update ID [--title T] [--instructions I]     --set-deps ID --depends-on a,b ("" for none)
      --remove ID     --reorder a,b,c     --file ops.json (a list of ops, or {"ops": [...], "reason": "..."})
  pause <id> [--reason TEXT]       resume <id>       cancel <id> [--reason TEXT]   (each [--json])
  advise <id> "<note>"             answer <id> "<answer>" [--question QID]       (each [--json])
  approve-call <id> <callId> [--reason TEXT]    deny-call <id> <callId> --reason TEXT   (each [--json])
                                   decide a tool call waiting for approval (status shows its callId)
  budget <id> [--add-usd N] [--add-tokens N] [--add-minutes N] [--reason TEXT] [--json]
                                   extends the budget; a run waiting in awaiting_budget goes on
  report <id> [--json]             plan quality: steps, re-plans, parallelism, cost and time, retries, waits, cache`;

type Command = (ctx: CommandContext) => Promise<number>;

/** Each command, and how many positional arguments it takes. */
const COMMANDS: Record<string, [Command, number]> = {
  start: [runs.start, 1],
  status: [runs.status, 1],
  result: [runs.result, 1],
  list: [runs.list, 0],
  watch: [runs.watch, 1],
  approve: [controls.approve, 1],
  reject: [controls.reject, 1],
  edit: [controls.edit, 1],
  pause: [controls.pause, 1],
  resume: [controls.resume, 1],
  cancel: [controls.cancel, 1],
  advise: [controls.advise, 2],
  answer: [controls.answer, 2],
  'approve-call': [controls.approveCall, 2],
  'deny-call': [controls.denyCall, 2],
  budget: [controls.budget, 1],
  report: [runs.report, 1],
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const entry = command !== undefined ? COMMANDS[command] : undefined;
  if (!entry) throw new UsageError(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
  const [run, positionalCount] = entry;
  const { values, positionals } = parseFlags(USAGE, {
    args: rest,
    allowPositionals: true,
    options: {
      ...RUN_OPTION_FLAGS,
      ...EDIT_FLAGS,
      wait: { type: 'boolean' },
      json: { type: 'boolean' },
      limit: { type: 'string' },
      status: { type: 'string' },
      'needs-person': { type: 'boolean' },
      'min-cost': { type: 'string' },
      query: { type: 'string' },
      question: { type: 'string' },
      'add-usd': { type: 'string' },
      'add-tokens': { type: 'string' },
      'add-minutes': { type: 'string' },
    },
  });
  checkFlags(command as string, values);
  if (positionals.length > positionalCount) {
    throw new UsageError(
      `${command} takes ${positionalCount} argument${positionalCount === 1 ? '' : 's'}; unexpected: ${positionals
        .slice(positionalCount)
        .map((p) => JSON.stringify(p))
        .join(' ')} (quote text that has spaces).`,
    );
  }
  const config = loadConfig();
  let connected: ConnectedClient | undefined;
  let planRuns: PlanRuns | undefined;
  const ctx: CommandContext = {
    values,
    positionals,
    config,
    json: values.json === true,
    usage: USAGE,
    async runs() {
      if (!planRuns) {
        connected = await connectClient();
        planRuns = new PlanRuns({
          client: connected.client,
          taskQueue: config.taskQueue,
          address: connected.settings.address,
          ...(config.uiUrl ? { uiUrl: config.uiUrl } : {}),
        });
      }
      return planRuns;
    },
  };
  try {
    return await run(ctx);
  } finally {
    await connected?.close();
  }
}

runCommand(() => main(process.argv.slice(2)));

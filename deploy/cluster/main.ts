/**
 * `npm run cluster -- up|down|status [options]`: a real Temporal cluster on this machine (PostgreSQL,
 * frontend, history, matching and internal worker as separate processes, the Web UI, N project workers),
 * everything under one folder (`.cluster/` unless --dir says otherwise).
 */
import { parseArgs } from 'node:util';
import { down, downOnInterrupt, purge } from './down';
import { DEFAULT_CLUSTER_DIR } from './paths';
import { frontendAddress, uiUrl } from './services';
import { status } from './status';
import { up } from './up';

const USAGE = `Usage: npm run cluster -- <up|down|status> [options]
  up       build (once) and start the cluster; prints its addresses
  down     stop every process of the cluster (data stays in the folder; --purge deletes it)
  status   what runs, and whether it answers
Options:
  --workers N      project workers to start with up (default 3)
  --dir PATH       the cluster's folder (default .cluster)
  --namespace NS   namespace to register (default "default")
  --port N         frontend port (default: a free one; kept across up/down while free)
  --ui-port N      Web UI port (default: a free one)
  --log-level L    Temporal services' log level: debug, info, warn, error (default warn)
  --purge          with down: delete the cluster's folder (data, logs) afterwards`;

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return interpret(flags(argv));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
}

function flags(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workers: { type: 'string', default: '3' },
      dir: { type: 'string', default: DEFAULT_CLUSTER_DIR },
      namespace: { type: 'string', default: 'default' },
      port: { type: 'string' },
      'ui-port': { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
      purge: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
}

function interpret({ values, positionals }: ReturnType<typeof flags>) {
  const command = positionals[0];
  if (values.help) return { command: 'help' as const, values };
  if ((command !== 'up' && command !== 'down' && command !== 'status') || positionals.length > 1)
    throw new UsageError(`Unknown command "${positionals.join(' ')}".\n${USAGE}`);
  const int = (name: string, raw: string | undefined, min: number, max: number): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  if (!['debug', 'info', 'warn', 'error'].includes(values['log-level']))
    throw new UsageError(`--log-level must be debug, info, warn or error, got "${values['log-level']}"`);
  return {
    command,
    values,
    workers: int('workers', values.workers, 0, 32) ?? 3,
    port: int('port', values.port, 1, 65_535),
    uiPort: int('ui-port', values['ui-port'], 1, 65_535),
  };
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (args.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const dir = args.values.dir;
  if (args.command === 'up') {
    downOnInterrupt(dir);
    const started = Date.now();
    const result = await up({
      dir,
      workers: args.workers ?? 3,
      namespace: args.values.namespace,
      ...(args.port ? { frontendPort: args.port } : {}),
      ...(args.uiPort ? { uiPort: args.uiPort } : {}),
      logLevel: args.values['log-level'],
      progress: (line) => console.log(line),
    });
    const { state, paths } = result.cluster;
    if (result.alreadyRunning) console.log(`The cluster in ${paths.root} is already running.`);
    for (const [name, seconds] of result.timings)
      console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${name}`);
    if (!result.alreadyRunning)
      console.log(`Cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s (${paths.root})`);
    console.log(`Frontend: ${frontendAddress(state)}  (namespace ${state.namespace})`);
    console.log(`Web UI:   ${uiUrl(state)}`);
    console.log(
      `Workers:  ${Object.keys(state.processes).filter((n) => n.startsWith('worker-')).length} (logs in ${paths.logs})`,
    );
    console.log('Use it with:');
    console.log(`  export TEMPORAL_ADDRESS=${frontendAddress(state)} TEMPORAL_UI_URL=${uiUrl(state)}`);
    return 0;
  }
  if (args.command === 'down') {
    const report = await down(dir);
    if (args.values.purge) purge(dir);
    console.log(report.stopped.length ? `Stopped: ${report.stopped.join(', ')}` : 'Nothing was running.');
    if (args.values.purge) console.log(`Deleted ${dir}`);
    if (report.strays.length)
      console.log(
        `Also stopped ${report.strays.length} process(es) the state file had lost: ${report.strays.join(', ')}`,
      );
    return 0;
  }
  const { rows, addresses, strays } = await status(dir);
  if (rows.length === 0) {
    console.log(`No cluster in ${dir} (start one with \`npm run cluster -- up\`).`);
    return strays.length ? 1 : 0;
  }
  for (const row of rows)
    console.log(
      `${row.name.padEnd(18)} ${String(row.pid ?? '-').padStart(7)}  ${row.state.padEnd(8)} ${row.detail}`,
    );
  if (strays.length)
    console.log(
      `Processes of this cluster not in its state file: ${strays.join(', ')} (\`down\` stops them)`,
    );
  for (const line of addresses) console.log(line);
  return rows.every((r) => r.state === 'running') ? 0 : 1;
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(err instanceof UsageError ? 2 : 1);
  });

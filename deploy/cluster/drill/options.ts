/** The drill's options, from flags or the environment (CI sets a smaller drill by environment). */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../paths';
import { FAULT_KINDS, type FaultKind } from './faults';

export const USAGE = `Usage: npm run cluster:drill -- [options]
  --runs N           runs to start (default 100; env CLUSTER_DRILL_RUNS)
  --workers N        drill workers, each its own process (default 3)
  --faults LIST      faults in order, from worker, history, frontend, postgres
                     (default worker,history,worker,frontend,worker,postgres,worker; env CLUSTER_DRILL_FAULTS)
  --first-fault S    seconds after the runs start before the first fault (default 5)
  --spacing S        seconds between one fault's recovery and the next (default 5)
  --timeout S        how long the runs may take (default 900)
  --dir PATH         the drill cluster's folder, emptied first (default .cluster-drill)
  --keep             leave the cluster running afterwards (stop it with npm run cluster -- down --dir PATH)
  --json FILE        also write the counts as JSON (numPassedTests, numFailedTests), as jest does
  --help             this text`;

export interface DrillOptions {
  runs: number;
  workers: number;
  faults: FaultKind[];
  firstFaultMs: number;
  spacingMs: number;
  timeoutMs: number;
  dir: string;
  keep: boolean;
  json?: string;
}

export class DrillUsageError extends Error {}

/** The options, or undefined for --help. Unknown or malformed flags are usage errors. */
export function parseDrillOptions(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): DrillOptions | undefined {
  let parsed;
  try {
    parsed = parseFlags(argv, env);
  } catch (err) {
    throw new DrillUsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.help) return undefined;
  return interpret(values);
}

function parseFlags(argv: string[], env: NodeJS.ProcessEnv) {
  return parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: env.CLUSTER_DRILL_RUNS ?? '100' },
      workers: { type: 'string', default: '3' },
      faults: {
        type: 'string',
        default: env.CLUSTER_DRILL_FAULTS ?? 'worker,history,worker,frontend,worker,postgres,worker',
      },
      'first-fault': { type: 'string', default: '5' },
      spacing: { type: 'string', default: '5' },
      timeout: { type: 'string', default: '900' },
      dir: { type: 'string', default: path.join(PROJECT_ROOT, '.cluster-drill') },
      keep: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
}

function interpret(values: ReturnType<typeof parseFlags>['values']): DrillOptions {
  const int = (name: string, raw: string, min: number, max: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new DrillUsageError(
        `--${name} must be a whole number from ${min} to ${max}, got "${raw}"\n${USAGE}`,
      );
    return n;
  };
  const faults = values.faults
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = faults.filter((f) => !(FAULT_KINDS as readonly string[]).includes(f));
  if (unknown.length)
    throw new DrillUsageError(
      `--faults: unknown ${unknown.join(', ')}; use ${FAULT_KINDS.join(', ')}\n${USAGE}`,
    );
  return {
    runs: int('runs', values.runs, 1, 2_000),
    workers: int('workers', values.workers, 1, 16),
    faults: faults as FaultKind[],
    firstFaultMs: int('first-fault', values['first-fault'], 0, 3_600) * 1000,
    spacingMs: int('spacing', values.spacing, 0, 3_600) * 1000,
    timeoutMs: int('timeout', values.timeout, 10, 24 * 3_600) * 1000,
    dir: path.resolve(values.dir),
    keep: values.keep,
    ...(values.json ? { json: path.resolve(values.json) } : {}),
  };
}

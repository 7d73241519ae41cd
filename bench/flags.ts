/** The bench's command-line flags, parsed with node:util and checked with zod; bad flags say what to use. */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeZodError } from '../workflows/schemas';

export const WORKLOADS = ['sequential', 'throughput', 'latency', 'replan-size', 'wide', 'mcp'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];
export const ENGINES = ['project', 'peer'] as const;
export type EngineName = (typeof ENGINES)[number];
export const SERVER_DBS = ['wal', 'file', 'memory'] as const;
export type ServerDb = (typeof SERVER_DBS)[number];

export const USAGE = `Usage: npm run bench -- [flags]

  --only LIST          workloads to run, comma-separated (default: all):
                       ${WORKLOADS.join(', ')}
  --engines LIST       project,peer (default: both; one alone prints no ratio)
  --rounds N           interleaved rounds per workload (default 3)
  --steps N            steps per run for sequential, throughput and latency (default 20)
  --runs N             runs at once in the throughput workload (default 10)
  --latency-ms N       delay of every model call in the latency workload (default 200)
  --replan-steps N     steps of the long run in the replan-size workload (default 60)
                       (mcp: one MCP call through the worker beside the direct SDK call; --steps calls a round;
                       the project alone)
  --peer-durability D  the peer's checkpoint durability: async (LangGraph's default), sync or exit
  --server-db D        the dev server's persistence: wal (default: a SQLite file in WAL mode with synchronous
                       FULL, the settings of the peer's checkpointer), file (a SQLite file with the dev
                       server's own settings, as npm start's embedded server today) or memory
  --server-arg ARG     extra argument for 'temporal server start-dev' (repeatable), e.g.
                       --server-arg=--dynamic-config-value --server-arg=system.enableActivityEagerExecution=true
  --json               print the tables to stderr and the results as one JSON document to stdout
  --help               this text`;

/** A flag the bench cannot use: printed with the usage, without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const positiveInt = (flag: string) =>
  z
    .string()
    .regex(/^\d+$/, `${flag} takes a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(1, `${flag} must be at least 1`));

function list<T extends string>(flag: string, allowed: readonly T[]) {
  return z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(
      z
        .array(z.enum(allowed as readonly [T, ...T[]], { message: `${flag} takes ${allowed.join(', ')}` }))
        .min(1),
    );
}

const FlagsSchema = z
  .object({
    only: list('--only', WORKLOADS).default([...WORKLOADS]),
    engines: list('--engines', ENGINES).default([...ENGINES]),
    rounds: positiveInt('--rounds').default(3),
    steps: positiveInt('--steps').default(20),
    runs: positiveInt('--runs').default(10),
    'latency-ms': positiveInt('--latency-ms').default(200),
    'replan-steps': positiveInt('--replan-steps').default(60),
    'peer-durability': z.enum(['async', 'sync', 'exit']).optional(),
    'server-db': z.enum(SERVER_DBS, { message: `--server-db takes ${SERVER_DBS.join(', ')}` }).default('wal'),
    'server-arg': z.array(z.string()).default([]),
    json: z.boolean().default(false),
  })
  .strict();

export interface BenchFlags {
  only: WorkloadName[];
  engines: EngineName[];
  rounds: number;
  steps: number;
  runs: number;
  latencyMs: number;
  replanSteps: number;
  peerDurability?: 'async' | 'sync' | 'exit';
  serverDb: ServerDb;
  serverArgs: string[];
  json: boolean;
}

/** Parsed flags, or null when --help was asked for. Throws with a clear message on bad flags. */
export function parseFlags(argv: string[]): BenchFlags | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        only: { type: 'string' },
        engines: { type: 'string' },
        rounds: { type: 'string' },
        steps: { type: 'string' },
        runs: { type: 'string' },
        'latency-ms': { type: 'string' },
        'replan-steps': { type: 'string' },
        'peer-durability': { type: 'string' },
        'server-db': { type: 'string' },
        'server-arg': { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError(`Bad flags: ${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return null;
  const { help: _help, ...rest } = values;
  const parsed = FlagsSchema.safeParse(rest);
  if (!parsed.success) throw new UsageError(`Bad flags: ${describeZodError(parsed.error)}\n\n${USAGE}`);
  const f = parsed.data;
  return {
    only: f.only,
    engines: f.engines,
    rounds: f.rounds,
    steps: f.steps,
    runs: f.runs,
    latencyMs: f['latency-ms'],
    replanSteps: f['replan-steps'],
    ...(f['peer-durability'] ? { peerDurability: f['peer-durability'] } : {}),
    serverDb: f['server-db'],
    serverArgs: f['server-arg'],
    json: f.json,
  };
}

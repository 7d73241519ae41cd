/**
 * The cluster's state file: ports, the database user, and every process it started (by id), written after
 * each change so that `down` can stop what a failed or interrupted `up` left running.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { describeZodError } from '../../workflows/schemas';

const Port = z.number().int().min(1).max(65_535);

export const PortsSchema = z
  .object({
    postgres: Port,
    frontend: Port,
    frontendHttp: Port,
    frontendMembership: Port,
    history: Port,
    historyMembership: Port,
    matching: Port,
    matchingMembership: Port,
    internalWorker: Port,
    internalWorkerMembership: Port,
    ui: Port,
  })
  .strict();
export type Ports = z.output<typeof PortsSchema>;

const ProcessSchema = z
  .object({
    pid: z.number().int().positive(),
    /** What it is: a Temporal service, the Web UI, or a project worker. */
    kind: z.enum(['temporal', 'ui', 'worker']),
    log: z.string(),
    startedAt: z.string(),
  })
  .strict();
export type ProcessRecord = z.output<typeof ProcessSchema>;

export const ClusterStateSchema = z
  .object({
    version: z.literal(1),
    namespace: z.string().min(1),
    binDir: z.string(),
    pg: z
      .object({
        bin: z.string(),
        /** The user PostgreSQL runs as; null when it runs as the user who started the cluster. */
        user: z.string().nullable(),
        password: z.string().min(16),
      })
      .strict(),
    ports: PortsSchema,
    processes: z.record(z.string(), ProcessSchema),
  })
  .strict();
export type ClusterState = z.output<typeof ClusterStateSchema>;

export function readState(file: string): ClusterState | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = ClusterStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${file} is not a cluster state file this version understands (${describeZodError(parsed.error)}). Stop what it lists by hand, or delete the folder to start afresh.`,
    );
  return parsed.data;
}

/** Written atomically and readable by its owner only: it holds the database password. */
export function writeState(file: string, state: ClusterState): void {
  const temp = `${file}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

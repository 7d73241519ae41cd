/**
 * The tool API: one shape for the built-in tools, tools in users' own modules and (through an adapter)
 * tools of MCP servers. A tool says what it does to the world (its kind), which decides how a call that was
 * cut off is retried, and what a person must approve by default.
 */
import type { z } from 'zod';
import { TOOL_KINDS, TOOL_POLICIES } from '../../workflows/tool-catalogue';
import type { Workspace } from './workspace';

export { TOOL_KINDS, TOOL_POLICIES };

/**
 * What a call does to the world, which decides what happens when a call is cut off midway (the worker died,
 * the server it talks to went away):
 * - `read-only`: changes nothing; the call is simply run again.
 * - `idempotent`: running it twice leaves the world as running it once (writing a whole file); run again.
 * - `side-effect`: each run may change the world again (charging a card, sending a mail). Run again only if
 *   the tool honours the idempotency key (`honoursIdempotencyKey`); otherwise the step fails and goes to
 *   the re-planner with a message saying the call may or may not have taken effect.
 */
export type ToolKind = (typeof TOOL_KINDS)[number];

/** Whether a call may run: at once, after a person approves it, or never. */
export type ToolPolicy = (typeof TOOL_POLICIES)[number];

/** How long a tool may take when it does not say: a minute. */
export const DEFAULT_TOOL_TIMEOUT_SECONDS = 60;

export interface ToolProgress {
  progress: number;
  total?: number;
  message?: string;
}

export interface ToolContext {
  /** The run's workspace: resolve every path through it (see Workspace). */
  workspace: Workspace;
  /**
   * Stable across retries of the same call, re-plans and continue-as-new:
   * `<workflow id>@<first run id>/step-<id>/turn-<n>/call-<i>`. Pass it on to the services you call
   * (e.g. as an `Idempotency-Key` header), or keep your own record of it, so a retried call does its
   * effect once.
   */
  idempotencyKey: string;
  /**
   * Wrap a side effect in this: its result is stored under the idempotency key, and a retried call that
   * already did the work gets the stored result instead of doing it again. (Work cut off before the result
   * was stored runs again: that is what the tool's kind and `honoursIdempotencyKey` are about.)
   */
  idempotent: (work: () => Promise<string>) => Promise<string>;
  /** Tell Temporal the call is alive, with details (shown on the pending activity). */
  heartbeat: (details?: unknown) => void;
  /** Report progress: sent as the activity's heartbeat details. */
  progress: (update: ToolProgress) => void;
  /** Aborted when the call is cancelled (the run was cancelled) or times out. */
  signal: AbortSignal;
  /** 1 on the first attempt of this call as Temporal counts them. */
  attempt: number;
}

export interface Tool<Input = unknown> {
  /** Letters, digits, "_" and "-", at most 64: what the model calls it. */
  name: string;
  /** What the tool does, for the model; the first line is what the planner sees. */
  description: string;
  input: z.ZodType<Input>;
  kind: ToolKind;
  /** Seconds a call may take (default 60). Tools above 5 s always run as regular activities, with heartbeats. */
  timeoutSeconds?: number;
  /**
   * A `side-effect` tool that does its effect at most once per idempotency key, however often it is called
   * with the same key (it passes the key to a service that deduplicates, or keeps its own record). Such a
   * tool is run again after a crash; one that does not is not.
   */
  honoursIdempotencyKey?: boolean;
  /**
   * The tool's own default policy. Without it: `ask` for `side-effect` tools, `allow` for the others. The
   * worker's config and the run's options can override it (see README, Tools).
   */
  policy?: ToolPolicy;
  run(input: Input, context: ToolContext): Promise<string>;
}

/** Define a tool with its input type inferred from the zod schema. */
export function defineTool<S extends z.ZodType>(tool: {
  name: string;
  description: string;
  input: S;
  kind: ToolKind;
  timeoutSeconds?: number;
  honoursIdempotencyKey?: boolean;
  policy?: ToolPolicy;
  run(input: z.output<S>, context: ToolContext): Promise<string>;
}): Tool<z.output<S>> {
  return tool as unknown as Tool<z.output<S>>;
}

// Tools differ in input type; the registry only hands each tool input its own schema has parsed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = Tool<any>;

/** The default policy of a tool that does not set its own. */
export function defaultPolicyFor(kind: ToolKind): ToolPolicy {
  return kind === 'side-effect' ? 'ask' : 'allow';
}

/** The first line of a description, cut to `max` characters: what the planner and the catalogue show. */
export function oneLine(text: string, max = 160): string {
  const first = (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
  return first.length <= max ? first : `${first.slice(0, max - 1)}…`;
}

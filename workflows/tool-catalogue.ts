/**
 * The run's tool catalogue: what tools it may use, listed once by an activity at the start of the run and
 * kept (pinned) for its whole life, across continue-as-new. Each entry carries a hash of the tool's input
 * schema and kind: a worker whose tool of that name has changed since, or is gone, refuses the call with a
 * clear message instead of calling something the plan did not count on. The JSON schemas themselves stay in
 * the worker (the executor is offered them by name), which keeps history small.
 */
import { z } from 'zod';

export const TOOL_KINDS = ['read-only', 'idempotent', 'side-effect'] as const;
export const TOOL_POLICIES = ['allow', 'ask', 'deny'] as const;

/** A tool name or a glob over names: `read_file`, `fs__*`, `*__write_?ile`. */
export const ToolGlobSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_*?[\]-]{1,128}$/,
    'must be a tool name or a glob of letters, digits, "_", "-", "*", "?" and [...], e.g. "fs__*"',
  );
export const ToolPolicySchema = z.enum(TOOL_POLICIES);
export type ToolPolicyName = z.output<typeof ToolPolicySchema>;

/** Longer than this, a tool never runs as a local activity (no heartbeats, and queries wait while it runs). */
export const LOCAL_TOOL_MAX_TIMEOUT_SECONDS = 5;

export const CatalogueEntrySchema = z
  .object({
    name: z.string().min(1).max(64),
    /** The first line of its description. */
    description: z.string().max(200),
    kind: z.enum(TOOL_KINDS),
    /** This run's policy for it, and where that came from. */
    policy: ToolPolicySchema,
    policyReason: z.string().max(200),
    timeoutSeconds: z.number().positive(),
    /** `<hash of its input schema>:<kind>:<default policy>` when the run listed it. */
    schemaHash: z.string().min(1).max(64),
    /** May run as a local activity: answers fast (timeout ≤ 5 s) and reports no progress. */
    local: z.boolean(),
    /** Where it comes from: "built-in", "module <path>", "MCP server <name>". */
    source: z.string().max(300),
  })
  .strict();
export type CatalogueEntry = z.output<typeof CatalogueEntrySchema>;

/** Tools one run keeps at most (the catalogue is carried across continue-as-new). */
export const MAX_CATALOGUE_TOOLS = 500;

export const ToolCatalogueSchema = z
  .object({
    tools: z.array(CatalogueEntrySchema).max(MAX_CATALOGUE_TOOLS),
  })
  .strict();
export type ToolCatalogue = z.output<typeof ToolCatalogueSchema>;

export interface ListToolsInput {
  /** The run's allow-list (option `tools`); unset: every tool. */
  allow?: string[];
  /** The run's policy rules (option `toolPolicy`). */
  policy?: Record<string, ToolPolicyName>;
  idempotencyKey: string;
}

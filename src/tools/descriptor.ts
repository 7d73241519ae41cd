/**
 * A tool as the worker knows it, whatever it comes from (a built-in, a user's module, an MCP server): what
 * the catalogue lists, the executor is offered and the policy is decided on.
 */
import type { ToolKind, ToolPolicy } from './tool';

export interface ToolDescriptor {
  /** The name the model calls: `NAME__TOOL` for a tool of the MCP server NAME. */
  name: string;
  description: string;
  /** JSON Schema of the input. */
  inputSchema: Record<string, unknown>;
  kind: ToolKind;
  timeoutSeconds: number;
  honoursIdempotencyKey: boolean;
  /** The policy when neither the worker's config nor the run says otherwise. */
  defaultPolicy: ToolPolicy;
  /** It may report progress (MCP tools): it must run as a regular activity, which can heartbeat. */
  reportsProgress: boolean;
  /** Where it comes from: "built-in", "module <path>" or "MCP server <name>". */
  source: string;
}

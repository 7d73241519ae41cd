/**
 * What stands between the executor's tool calls and the activities that run them, for runs with a pinned
 * tool catalogue: the catalogue itself (listed once at the start, kept for the run's whole life), the
 * policy (deny: refused; ask: a person approves first), the routing (tools that may be slow or report
 * progress always run as regular activities), the tool's own timeout, and what a call that failed for good
 * does (the step goes to the re-planner, the run goes on). Runs started before the catalogue existed have
 * none, and their calls go the way they always went (step-runner.ts).
 */
import {
  ActivityFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  TemporalFailure,
} from '@temporalio/workflow';
import type { Activities, AutoTool, LocalFailure } from './activity-contract';
import type { CallApprovals } from './call-approvals';
import type { Calls } from './calls';
import { describeFailure } from './call-failures';
import type { ToolCall, ToolResult } from './chat';
import { ASK_HUMAN_TOOL } from './messages';
import type { RunCore } from './run-core';
import { listToolsOptions, localListToolsOptions, TOOL_CALL_TIMEOUT_MARGIN_SECONDS } from './timeouts';
import type { CatalogueEntry, ListToolsInput, ToolCatalogue } from './tool-catalogue';

/** Marks runs that list and pin their tools; runs started before replay without it. */
export const TOOL_CATALOGUE_PATCH = 'tool-catalogue';

const { listTools } = proxyActivities<Activities>(listToolsOptions);
const local = proxyLocalActivities<Activities>(localListToolsOptions);

/** Runs begun before this listed their tools with a regular activity. */
export const LIST_TOOLS_LOCAL_PATCH = 'list-tools-local';

/**
 * Listing is fast (the worker's tools, and MCP servers it keeps connected): a local activity first, saving
 * the run a round trip at its start; if that fails, a regular one, with retries the Web UI shows.
 */
async function listToolsOnce(input: ListToolsInput): Promise<ToolCatalogue> {
  const summary = { summary: 'list tools' };
  if (patched(LIST_TOOLS_LOCAL_PATCH)) {
    try {
      return await local.listTools.executeWithOptions(summary, [input]);
    } catch (err) {
      if (!(err instanceof TemporalFailure) || isCancellation(err)) throw err;
    }
  }
  return listTools.executeWithOptions(summary, [input]);
}

/** Each run's gate, found by its core (the step runner is handed the core, not the gate). */
const gates = new WeakMap<RunCore, ToolGate>();

export interface ToolCallOutcome {
  result: ToolResult;
  /** Set when the step cannot go on: it fails with this, for the re-planner. */
  failStep?: string;
}

export class ToolGate {
  private byName = new Map<string, CatalogueEntry>();

  constructor(
    private readonly core: RunCore,
    private readonly calls: Calls,
    private readonly approvals: CallApprovals,
  ) {
    gates.set(core, this);
    if (core.state.tools) this.index(core.state.tools);
  }

  static of(core: RunCore): ToolGate | undefined {
    const gate = gates.get(core);
    return gate?.core.state.tools ? gate : undefined;
  }

  /** List the run's tools and pin them, once per run (a continuation brings them along). */
  async pin(): Promise<void> {
    const { core } = this;
    if (core.state.tools || !patched(TOOL_CATALOGUE_PATCH)) return;
    const { options } = core.input;
    const input = {
      ...(options.tools ? { allow: options.tools } : {}),
      ...(options.toolPolicy ? { policy: options.toolPolicy } : {}),
      idempotencyKey: `${core.keyPrefix}/tools`,
    };
    const catalogue = await listToolsOnce(input);
    const pinned: ToolCatalogue = { tools: catalogue.tools };
    core.state.tools = pinned;
    this.index(pinned);
    const count = (policy: string) => pinned.tools.filter((t) => t.policy === policy).map((t) => t.name);
    const asked = count('ask');
    const denied = count('deny');
    core.event(
      'tools_listed',
      `${pinned.tools.length} tools pinned for this run${asked.length > 0 ? `; a person approves each call of ${asked.join(', ')}` : ''}${denied.length > 0 ? `; denied: ${denied.join(', ')}` : ''}.`,
    );
  }

  /** The tools the executor is offered and the planners are told of: all but those denied. */
  offered(): string[] {
    return [...this.byName.values()].filter((t) => t.policy !== 'deny').map((t) => t.name);
  }

  /**
   * The tools the executorTurns activity may call without coming back to the run: allowed without a person,
   * fast enough to run locally, and not ask_human (which people answer).
   */
  autoTools(): AutoTool[] {
    return [...this.byName.values()]
      .filter((t) => t.policy === 'allow' && t.local && t.name !== ASK_HUMAN_TOOL)
      .map((t) => ({ name: t.name, schemaHash: t.schemaHash, timeoutSeconds: t.timeoutSeconds }));
  }

  /** One call: policy, approval, then the activity. `id` names it to people (`<step>.<turn>.<call>`). */
  async call(
    id: string,
    stepId: string,
    call: ToolCall,
    idempotencyKey: string,
    /** executorTurns tried this call and it failed so: that was its local attempt. */
    failedLocally?: LocalFailure,
  ): Promise<ToolCallOutcome> {
    const entry = this.byName.get(call.name);
    const refuse = (content: string): ToolCallOutcome => ({
      result: { toolCallId: call.id, content, isError: true },
    });
    if (!entry || call.name === ASK_HUMAN_TOOL) {
      return refuse(
        `Tool "${call.name}" is not available in this run. Its tools: ${this.offered().join(', ')}.`,
      );
    }
    if (entry.policy === 'deny') {
      return refuse(
        `Tool "${call.name}" may not be used in this run (policy "deny": ${entry.policyReason}).`,
      );
    }
    if (entry.policy === 'ask') {
      const decision = await this.approvals.request(id, stepId, call, entry);
      if (!decision.approved) {
        return refuse(
          `The call of ${call.name} was refused: ${decision.reason}. Do not repeat it; go on without it or explain what you needed.`,
        );
      }
      await this.core.checkpoint();
    }
    try {
      const output = await this.calls.invoke(
        'tool',
        `tool:${call.name}`,
        (activities) =>
          activities.tool.executeWithOptions(
            {
              summary: `${call.name} for ${stepId}`,
              startToCloseTimeout: `${entry.timeoutSeconds + TOOL_CALL_TIMEOUT_MARGIN_SECONDS} seconds`,
            },
            [{ call, stepId, idempotencyKey, pinned: { schemaHash: entry.schemaHash } }],
          ),
        { mayRunLocally: entry.local, failedLocally },
      );
      const result = { toolCallId: output.toolCallId, content: output.content, isError: output.isError };
      return output.failStep ? { result, failStep: output.failStep } : { result };
    } catch (err) {
      if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
      const message = `Tool "${call.name}" failed for good: ${describeFailure(err)}`;
      return { result: { toolCallId: call.id, content: message, isError: true }, failStep: message };
    }
  }

  private index(catalogue: ToolCatalogue): void {
    this.byName = new Map(catalogue.tools.map((t) => [t.name, t]));
  }
}

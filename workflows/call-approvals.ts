/**
 * Tool calls whose policy is "ask" wait, durably, in the workflow (no activity runs) until a person approves
 * or denies them, or the wait times out (options.callApprovalTimeoutSeconds, then
 * options.onCallApprovalTimeout). The call waiting is in the state (status, watch, the Web UI's current
 * details); a worker restart changes nothing, the wait is part of the run's history.
 */
import { condition } from '@temporalio/workflow';
import type { ToolCall } from './chat';
import type { ControlAck } from './messages';
import { PlanEditError } from './plan-edits';
import type { RunCore } from './run-core';
import { now, truncate } from './run-core';
import type { CatalogueEntry } from './tool-catalogue';

export type CallDecision = { approved: true; note: string } | { approved: false; reason: string };

/** Arguments shown to people at most. */
const MAX_SHOWN_ARGUMENTS = 2_000;

export class CallApprovals {
  private readonly decisions = new Map<string, CallDecision>();

  constructor(private readonly core: RunCore) {}

  /** Wait for a person's decision on the call `id` (`<step>.<turn>.<call>`). */
  async request(id: string, stepId: string, call: ToolCall, entry: CatalogueEntry): Promise<CallDecision> {
    const { core } = this;
    const args = truncate(JSON.stringify(call.input ?? null), MAX_SHOWN_ARGUMENTS);
    core.state.pendingCalls.push({
      id,
      stepId,
      tool: call.name,
      arguments: args,
      kind: entry.kind,
      reason: entry.policyReason,
      askedAt: now(),
    });
    core.refreshStatus();
    core.event(
      'call_waiting',
      `Step ${stepId} wants to call ${call.name} (${id}) with ${truncate(args, 300)}; it waits for approve-call or deny-call (policy "ask": ${entry.policyReason}).`,
      stepId,
    );
    const timeout = core.input.options.callApprovalTimeoutSeconds;
    const decided =
      timeout === undefined
        ? await condition(() => this.decisions.has(id)).then(() => true)
        : await condition(() => this.decisions.has(id), timeout * 1_000);
    this.remove(id);
    if (decided) {
      const decision = this.decisions.get(id) as CallDecision;
      this.decisions.delete(id);
      return decision;
    }
    if (core.input.options.onCallApprovalTimeout === 'allow') {
      core.event(
        'call_approved',
        `No decision on ${id} within ${timeout} s; it runs, as options.onCallApprovalTimeout says.`,
        stepId,
      );
      return { approved: true, note: `approved by timeout after ${timeout} s` };
    }
    const reason = `no person approved it within ${timeout} s (options.callApprovalTimeoutSeconds)`;
    core.event('call_denied', `${id} (${call.name}) denied: ${reason}.`, stepId);
    return { approved: false, reason };
  }

  /** Throws, naming what waits, when `callId` is not a call waiting for approval. */
  checkCanDecide(callId: string): void {
    const waiting = this.core.state.pendingCalls;
    if (waiting.some((c) => c.id === callId)) return;
    throw new PlanEditError(
      waiting.length === 0
        ? 'no tool call is waiting for approval'
        : `call "${callId}" is not waiting for approval; waiting: ${waiting.map((c) => `${c.id} (${c.tool})`).join(', ')}`,
    );
  }

  approve(callId: string, reason: string | undefined): string {
    const call = this.take(callId);
    this.decisions.set(callId, { approved: true, note: reason ? `approved: ${reason}` : 'approved' });
    this.core.event(
      'call_approved',
      `${callId} (${call?.tool ?? '?'}) approved by a person${reason ? `: ${reason}` : ''}.`,
      call?.stepId,
    );
    return `approved ${callId}`;
  }

  deny(callId: string, reason: string): string {
    const call = this.take(callId);
    this.decisions.set(callId, { approved: false, reason: `a person denied it: ${reason}` });
    this.core.event(
      'call_denied',
      `${callId} (${call?.tool ?? '?'}) denied by a person: ${reason}`,
      call?.stepId,
    );
    return `denied ${callId}`;
  }

  ack(message: string): ControlAck {
    return { planVersion: this.core.state.plan.version, status: this.core.state.status, message };
  }

  /** Decided calls leave the list at once, so a second decision on the same call is refused. */
  private take(callId: string) {
    const call = this.core.state.pendingCalls.find((c) => c.id === callId);
    this.remove(callId);
    return call;
  }

  private remove(callId: string): void {
    const before = this.core.state.pendingCalls.length;
    this.core.state.pendingCalls = this.core.state.pendingCalls.filter((c) => c.id !== callId);
    if (this.core.state.pendingCalls.length !== before) this.core.refreshStatus();
  }
}

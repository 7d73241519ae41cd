/** Wires approveCall and denyCall to a run, as every other control (see handlers.ts). */
import {
  ApproveCallSchema,
  approveCallSignal,
  approveCallUpdate,
  DenyCallSchema,
  denyCallSignal,
  denyCallUpdate,
} from './call-messages';
import type { CallApprovals } from './call-approvals';
import type { Controls } from './controls';
import { control } from './handlers';

export function registerCallApprovalHandlers(controls: Controls, approvals: CallApprovals): void {
  control(controls, approveCallUpdate, approveCallSignal, ApproveCallSchema, {
    check: (p) => {
      controls.checkNotEnded();
      approvals.checkCanDecide(p.callId);
    },
    apply: (p) => approvals.ack(approvals.approve(p.callId, p.reason)),
  });
  control(controls, denyCallUpdate, denyCallSignal, DenyCallSchema, {
    check: (p) => {
      controls.checkNotEnded();
      approvals.checkCanDecide(p.callId);
    },
    apply: (p) => approvals.ack(approvals.deny(p.callId, p.reason)),
  });
}

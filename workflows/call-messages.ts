/**
 * The messages that decide a tool call waiting for approval (its tool's policy is "ask"), each an Update
 * (the caller learns at once whether it was accepted) and a Signal with the same name and payload.
 */
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { ControlAck } from './messages';

const CallId = z.string().trim().min(1).max(200);
const Reason = z.string().trim().min(1).max(2_000);

export const ApproveCallSchema = z.object({ callId: CallId, reason: Reason.optional() }).strict();
export const DenyCallSchema = z.object({ callId: CallId, reason: Reason }).strict();
export type ApproveCallPayload = z.input<typeof ApproveCallSchema>;
export type DenyCallPayload = z.input<typeof DenyCallSchema>;

export const approveCallUpdate = defineUpdate<ControlAck, [ApproveCallPayload]>('approveCall');
export const denyCallUpdate = defineUpdate<ControlAck, [DenyCallPayload]>('denyCall');
export const approveCallSignal = defineSignal<[ApproveCallPayload]>('approveCall');
export const denyCallSignal = defineSignal<[DenyCallPayload]>('denyCall');

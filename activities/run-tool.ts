/**
 * One tool call, as an activity. Before the call: the tool must still be the one the run pinned (same schema
 * and kind), and a side-effecting call that was cut off on an earlier attempt runs again only if the tool
 * honours its idempotency key. During: heartbeats, with the tool's progress as details; cancellation reaches
 * the tool. After: a result over the size bound is cut, the full text kept in the workspace.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  callFingerprint,
  fileStem,
  once,
  ToolResultStore,
  ToolSourceError,
  Workspace,
  type FoundTool,
  type ToolBox,
} from '../src/tools';
import type { ToolCallOutput, ToolInput } from '../workflows/activity-contract';
import type { ToolResult } from '../workflows/chat';
import { ASK_HUMAN_TOOL } from '../workflows/messages';
import { observeToolCall, toolCallRefused } from '../src/telemetry/calls';
import { withHeartbeat } from './heartbeat';

/** Tool output kept in history (and shown to the model) at most; the rest is saved in the workspace. */
export const MAX_TOOL_RESULT_CHARS = 32_000;

export const ToolFailureType = {
  sourceUnavailable: 'ToolSourceUnavailable',
} as const;

export async function runTool(
  tools: ToolBox,
  workspaceRoot: string,
  input: ToolInput,
  /** Aborts the call besides the activity's cancellation (executorTurns' cut-off at the tool's timeout). */
  limit?: AbortSignal,
): Promise<ToolCallOutput> {
  const context = Context.current();
  const { call } = input;
  const fail = (content: string): ToolResult => ({ toolCallId: call.id, content, isError: true });
  const refuse = (content: string): ToolResult => {
    toolCallRefused(call.name);
    return fail(content);
  };
  if (call.name === ASK_HUMAN_TOOL)
    return fail(`${ASK_HUMAN_TOOL} is answered by the workflow, not run as a tool`);
  if (call.inputError) return refuse(`Tool "${call.name}" was not run: ${call.inputError}`);
  const workflowId = context.info.workflowExecution?.workflowId;
  if (!workflowId)
    throw new Error('runTool must run as part of a workflow: its workspace is named after the workflow id');
  const found = await sourceCall(() => tools.find(call.name));
  const changed = pinProblem(call.name, found, input.pinned);
  if (changed) return { ...refuse(changed), failStep: changed };
  if (!found) return refuse(`Unknown tool "${call.name}".`);
  const workspace = await Workspace.open(workspaceRoot, workflowId);
  const store = await ToolResultStore.open(workspaceRoot, workflowId);
  const fingerprint = callFingerprint(call.name, call.input);
  const cutOff = await sideEffectCutOff(found, store, input.idempotencyKey, fingerprint);
  if (cutOff) return { ...refuse(cutOff), failStep: cutOff };
  const result = await withHeartbeat((cancelled, beat) => {
    const signal = limit ? AbortSignal.any([cancelled, limit]) : cancelled;
    return observeToolCall({ name: call.name, callId: call.id, stepId: input.stepId }, () =>
      sourceCall(() =>
        tools.call(
          found,
          call.input,
          {
            workspace,
            idempotencyKey: input.idempotencyKey,
            idempotent: (work) => once(store, input.idempotencyKey, work, fingerprint),
            heartbeat: beat,
            progress: (update) => beat(update),
            signal,
            attempt: context.info.attempt,
          },
          call.id,
        ),
      ),
    );
  });
  return capToolResult(result, workspace, input.idempotencyKey);
}

/** Why the tool may not be called for a run that pinned it, if it changed or went away since. */
function pinProblem(
  name: string,
  found: FoundTool | undefined,
  pinned: ToolInput['pinned'],
): string | undefined {
  if (!pinned) return undefined;
  if (!found) {
    return `Tool "${name}" is no longer offered by the worker (its MCP server or module no longer lists it) since this run planned with it; it was not called.`;
  }
  if (found.schemaHash !== pinned.schemaHash) {
    return `Tool "${name}" changed since this run planned with it (${found.descriptor.source}: ${describeChange(pinned.schemaHash, found.schemaHash)}); it was not called, so nothing runs on assumptions that no longer hold.`;
  }
  return undefined;
}

/** What differs between two schema hashes (`<input hash>:<kind>:<default policy>`), in words. */
function describeChange(then: string, now: string): string {
  const [inputThen, kindThen, policyThen] = then.split(':');
  const [inputNow, kindNow, policyNow] = now.split(':');
  const changes: string[] = [];
  if (inputThen !== inputNow)
    changes.push(`its input schema is different (hash ${inputThen} then, ${inputNow} now)`);
  if (kindThen !== kindNow) changes.push(`its kind is ${kindNow} now, ${kindThen} then`);
  if (policyThen !== policyNow) {
    changes.push(
      `its default policy is "${policyNow}" now, "${policyThen}" then${policyNow === 'ask' ? ' (it is now marked as possibly destructive)' : ''}`,
    );
  }
  return changes.join('; ') || `schema hash ${then} then, ${now} now`;
}

/**
 * A side-effecting call marks that it started. If an earlier attempt of the same call started and did not
 * finish (the worker died, the server went away), the effect may or may not have happened: the call runs
 * again only if the tool honours the idempotency key or already stored its result with `idempotent`.
 */
async function sideEffectCutOff(
  found: FoundTool,
  store: ToolResultStore,
  key: string,
  fingerprint: string,
): Promise<string | undefined> {
  const { descriptor } = found;
  if (descriptor.kind !== 'side-effect') return undefined;
  const markerKey = `started:${key}`;
  const startedAt = await store.get(markerKey, fingerprint);
  if (startedAt !== undefined && !descriptor.honoursIdempotencyKey) {
    const stored = await store.get(key, fingerprint);
    if (stored === undefined) {
      return `Tool "${descriptor.name}" (kind side-effect, ${descriptor.source}) was cut off during an earlier attempt of this call (started ${startedAt}); it may or may not have taken effect. It does not honour idempotency keys, so it was not run again: check its effect before trying again.`;
    }
  }
  await store.put(markerKey, new Date().toISOString(), fingerprint);
  return undefined;
}

/** A source that could not be reached fails the attempt, retryably: the next attempt may reach it. */
async function sourceCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof ToolSourceError)) throw err;
    throw ApplicationFailure.create({ message: err.message, type: ToolFailureType.sourceUnavailable });
  }
}

/**
 * Keep history small: a result over the bound is cut, and the whole text saved in the workspace under
 * outputs/ (through the workspace's resolver, like every file the worker writes for a run), where the model
 * can read it piece by piece.
 */
export async function capToolResult(
  result: ToolResult,
  workspace: Workspace,
  key: string,
): Promise<ToolResult> {
  if (result.content.length <= MAX_TOOL_RESULT_CHARS) return result;
  const name = `outputs/${fileStem(key)}.txt`;
  const head = result.content.slice(0, MAX_TOOL_RESULT_CHARS);
  const cut = `output cut at ${MAX_TOOL_RESULT_CHARS} of ${result.content.length} characters`;
  try {
    await workspace.writeFile(name, result.content);
  } catch (err) {
    return {
      ...result,
      content: `${head}\n[... ${cut}; the full text could not be saved in the workspace: ${(err as Error).message}]`,
    };
  }
  return { ...result, content: `${head}\n[... ${cut}; the full text is in ${name} in the workspace]` };
}

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { ToolRegistry } from '../src/tools';
import { callFingerprint, once, ToolResultStore, Workspace } from '../src/tools';
import { ASK_HUMAN_TOOL } from '../workflows/messages';
import { withHeartbeat } from './heartbeat';
import type { ToolInput } from '../workflows/activity-contract';
import type { ToolResult } from '../workflows/chat';

/** Tool output kept in history (and shown to the model) at most; the rest is saved in the workspace. */
export const MAX_TOOL_RESULT_CHARS = 32_000;

export async function runTool(
  tools: ToolRegistry,
  workspaceRoot: string,
  input: ToolInput,
): Promise<ToolResult> {
  const context = Context.current();
  const { call } = input;
  if (call.name === ASK_HUMAN_TOOL) {
    return {
      toolCallId: call.id,
      content: `${ASK_HUMAN_TOOL} is answered by the workflow, not run as a tool`,
      isError: true,
    };
  }
  if (call.inputError) {
    return {
      toolCallId: call.id,
      content: `Tool "${call.name}" was not run: ${call.inputError}`,
      isError: true,
    };
  }
  const workflowId = context.info.workflowExecution?.workflowId;
  if (!workflowId)
    throw new Error('runTool must run as part of a workflow: its workspace is named after the workflow id');
  const workspace = await Workspace.open(workspaceRoot, workflowId);
  const store = await ToolResultStore.open(workspaceRoot, workflowId);
  const result = await withHeartbeat((signal) =>
    tools.call(
      call.name,
      call.input,
      {
        workspace,
        idempotencyKey: input.idempotencyKey,
        idempotent: (work) => once(store, input.idempotencyKey, work, callFingerprint(call.name, call.input)),
        signal,
      },
      call.id,
    ),
  );
  return capToolResult(result, workspace, input.idempotencyKey);
}

/**
 * Keep history small: a result over the bound is cut, and the whole text saved in the workspace under
 * outputs/, where the model can read it piece by piece.
 */
async function capToolResult(result: ToolResult, workspace: Workspace, key: string): Promise<ToolResult> {
  if (result.content.length <= MAX_TOOL_RESULT_CHARS) return result;
  const name = `${
    key
      .split('/')
      .slice(1)
      .join('_')
      .replace(/[^A-Za-z0-9._-]/g, '_') || 'output'
  }.txt`;
  const file = path.join(workspace.root, 'outputs', name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, result.content, 'utf8');
  const head = result.content.slice(0, MAX_TOOL_RESULT_CHARS);
  return {
    ...result,
    content: `${head}\n[... output cut at ${MAX_TOOL_RESULT_CHARS} of ${result.content.length} characters; the full text is in outputs/${name} in the workspace]`,
  };
}

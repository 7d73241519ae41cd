/**
 * A step's executor turns back to back in one local activity, with the tool calls each turn asks for while
 * they are tools the run allows without a person and that answer fast (the workflow names them). It saves
 * the workflow a round trip per call when the model answers fast, which is most of what such a step costs.
 * Each turn and each call is made exactly as the one-call activities make it (same input, same idempotency
 * key), and its result is stored before the next one starts: a retry, or the workflow going on call by call,
 * finds what was done and does not do it again. Anything it should not decide alone it leaves to the
 * workflow: a call that needs a person, ask_human, a slow tool, a failure after the first turn.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from './deps';
import type {
  AutoTool,
  ExecutorTurnDone,
  ExecutorTurnsInput,
  ExecutorTurnsOutput,
  LocalFailure,
  ReplannerInput,
  StructuredOutcome,
  ToolCallOutput,
  Timed,
  ToolInput,
} from '../workflows/activity-contract';
import type { ReplannerOutput } from '../workflows/schemas';
import { stepResultOf } from '../workflows/text';
import type { ChatMessage, ToolCall } from '../workflows/chat';
import { executorTurnInput, toolCallKey } from '../workflows/executor-input';
import { ASK_HUMAN_TOOL } from '../workflows/messages';
import { TOOL_CALL_TIMEOUT_MARGIN_SECONDS } from '../workflows/timeouts';
import { executorTurn } from './executor';
import { rememberCall } from './remember';
import { runTool } from './run-tool';

export type Replan = (input: ReplannerInput) => Promise<StructuredOutcome<ReplannerOutput> & Timed>;

export async function executorTurns(
  deps: ActivityDeps,
  input: ExecutorTurnsInput,
  replan: Replan,
): Promise<ExecutorTurnsOutput> {
  const started = performance.now();
  const auto = new Map(input.autoTools.map((t) => [t.name, t]));
  const transcript: ChatMessage[] = [...input.transcript];
  const turns: ExecutorTurnDone[] = [];
  let slowestCallMs = 0;
  let failed: ExecutorTurnsOutput['failed'];
  // Nothing new starts after a slow call (the lane is slow: the run routes the rest to the server) or once
  // the activity has run long enough: a person's pause or message is seen when this activity ends.
  const mayGoOn = () => slowestCallMs <= input.slowCallMs && performance.now() - started < input.stopAfterMs;
  for (let turn = input.firstTurn; turn <= input.base.maxTurns; turn++) {
    if (turns.length > 0 && !mayGoOn()) break;
    const turnInput = executorTurnInput(input.base, transcript, turn, input.stepKey);
    let output;
    try {
      output = await rememberCall(deps.workspaceRoot, turnInput, () => executorTurn(deps, turnInput));
    } catch (err) {
      // The first turn failing fails the activity: the workflow makes the turn again its own way, with
      // retries the Web UI shows. A later one is left to the workflow with what was done so far.
      if (turns.length === 0 || cancelled()) throw err;
      failed = { call: 'turn', failure: localFailure(err) };
      break;
    }
    slowestCallMs = Math.max(slowestCallMs, output.elapsedMs);
    const done: ExecutorTurnDone = { output, results: [] };
    turns.push(done);
    const { toolCalls } = output;
    if (toolCalls.length === 0) break;
    for (const [index, call] of toolCalls.entries()) {
      const tool = call.name === ASK_HUMAN_TOOL ? undefined : auto.get(call.name);
      if (!tool || !mayGoOn()) break;
      const result = await autoToolCall(deps, input, tool, call, toolCallKey(input.stepKey, turn, index));
      if ('failure' in result) {
        if (cancelled()) throw ApplicationFailure.create({ message: result.failure.message });
        failed = { call: 'tool', failure: result.failure };
        break;
      }
      slowestCallMs = Math.max(slowestCallMs, result.elapsedMs);
      done.results.push(result);
      if (result.failStep) break;
    }
    if (done.results.length < toolCalls.length || done.results.some((r) => r.failStep)) break;
    // As the workflow writes the transcript (step-runner.ts): the next turn's input is the same either way.
    transcript.push({ role: 'assistant', text: output.text, toolCalls });
    transcript.push({
      role: 'tool',
      results: done.results.map((r) => ({
        toolCallId: r.toolCallId,
        content: r.content,
        isError: r.isError,
      })),
    });
  }
  const ended = turns.at(-1)?.output;
  let replanned: (StructuredOutcome<ReplannerOutput> & Timed) | undefined;
  if (input.replanAfter && ended && ended.toolCalls.length === 0 && mayGoOn()) {
    const { id, title } = input.base.step;
    try {
      // Spread over the template: justFinished keeps its place among the keys (the stored result's fingerprint).
      replanned = await replan({
        ...input.replanAfter,
        justFinished: [{ id, title, status: 'done', result: stepResultOf(ended.text) }],
      });
    } catch (err) {
      if (cancelled()) throw err;
      failed = { call: 'replan', failure: localFailure(err) };
    }
  }
  return {
    turns,
    slowestCallMs,
    ...(replanned ? { replan: replanned } : {}),
    ...(failed ? { failed } : {}),
    elapsedMs: Math.round(performance.now() - started),
    attempt: Context.current().info.attempt,
  };
}

/** The run was cancelled (or the activity timed out): a failure then ends the activity, it is not handed back. */
function cancelled(): boolean {
  return Context.current().cancellationSignal.aborted;
}

/** How a call failed, kept in the result: the run retries it as it retries a failed local activity. */
function localFailure(err: unknown): LocalFailure {
  if (err instanceof ApplicationFailure) {
    return {
      message: err.message,
      ...(err.type ? { type: err.type } : {}),
      nonRetryable: err.nonRetryable === true,
      ...(err.details && err.details.length > 0 ? { details: [...err.details] } : {}),
    };
  }
  return { message: err instanceof Error ? err.message : String(err), nonRetryable: false };
}

/**
 * One call as the tool activity makes it (same input and key, so its stored result is shared), cut off at the
 * tool's timeout (the one-call activity would be). When it failed or timed out, how: the workflow then makes
 * the call again itself, as a regular activity with retries, this attempt counted as the first.
 */
async function autoToolCall(
  deps: ActivityDeps,
  input: ExecutorTurnsInput,
  tool: AutoTool,
  call: ToolCall,
  idempotencyKey: string,
): Promise<(ToolCallOutput & Timed) | { failure: LocalFailure }> {
  const toolInput: ToolInput = {
    call,
    stepId: input.base.step.id,
    idempotencyKey,
    pinned: { schemaHash: tool.schemaHash },
  };
  const limit = new AbortController();
  const timer = setTimeout(
    () => limit.abort(new Error(`${call.name} ran past its timeout`)),
    (tool.timeoutSeconds + TOOL_CALL_TIMEOUT_MARGIN_SECONDS) * 1000,
  );
  // A tool that does not listen to its signal is left behind at the timeout, not waited for.
  const timedOut = new Promise<never>((_, reject) =>
    limit.signal.addEventListener('abort', () => reject(limit.signal.reason as Error)),
  );
  try {
    return await Promise.race([
      rememberCall(deps.workspaceRoot, toolInput, () =>
        runTool(deps.tools, deps.workspaceRoot, toolInput, limit.signal),
      ),
      timedOut,
    ]);
  } catch (err) {
    return { failure: localFailure(err) };
  } finally {
    clearTimeout(timer);
  }
}

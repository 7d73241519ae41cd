/**
 * One span and the metrics of each model call and tool call, where the activities make them. Spans follow
 * the OpenTelemetry GenAI semantic conventions (`chat <model>` with gen_ai.* attributes, `execute_tool <name>`
 * with gen_ai.tool.*), children of the activity's span. With tracing and metrics both off the call runs as it
 * is: nothing is allocated or measured.
 */
import { SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { ModelCallError } from '../llm/errors';
import { callCostUsd } from './cost';
import { activeMetrics, type ModelOutcome, type ToolOutcome } from './metrics';
import { activeTracing } from './tracing';

/** Attribute names: the GenAI conventions where they have one, `plan_execute.*` where they have none. */
export const Attr = {
  operation: 'gen_ai.operation.name',
  system: 'gen_ai.system',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  maxTokens: 'gen_ai.request.max_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  errorType: 'error.type',
  /** The conventions have no cost attribute. */
  costUsd: 'plan_execute.cost_usd',
  role: 'plan_execute.role',
  stepId: 'plan_execute.step_id',
  outcome: 'plan_execute.outcome',
} as const;

export interface ModelCallInfo {
  role: 'planner' | 'executor' | 'replanner';
  /** `provider:model`, as the run names it. */
  modelSpec: string;
  provider: string;
  model: string;
  maxTokens: number;
}

interface ModelAnswer {
  usage: { inputTokens: number; outputTokens: number };
  stopReason?: string;
}

/**
 * Make one model call under a `chat <model>` span and count it. `outcomeOf` tells a usable answer from an
 * invalid one (structured output that fails its schema).
 */
export async function observeModelCall<R extends ModelAnswer>(
  info: ModelCallInfo,
  call: () => Promise<R>,
  outcomeOf: (response: R) => ModelOutcome = () => 'ok',
): Promise<R> {
  const tracing = activeTracing();
  const metrics = activeMetrics();
  if (!tracing && !metrics) return call();
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const run = async (span?: Span): Promise<R> => {
    try {
      const response = await call();
      const outcome = outcomeOf(response);
      const cost = callCostUsd(info.modelSpec, response);
      span?.setAttributes({
        [Attr.inputTokens]: response.usage.inputTokens,
        [Attr.outputTokens]: response.usage.outputTokens,
        [Attr.outcome]: outcome,
        ...(response.stopReason ? { [Attr.finishReasons]: [response.stopReason] } : {}),
        ...(cost !== undefined ? { [Attr.costUsd]: cost } : {}),
      });
      metrics?.modelCall(info, outcome, seconds(), response.usage, cost);
      return response;
    } catch (err) {
      const outcome = modelErrorOutcome(err);
      if (span) failSpan(span, err, outcome, errorType(err));
      metrics?.modelCall(info, outcome, seconds());
      throw err;
    } finally {
      span?.end();
    }
  };
  if (!tracing) return run();
  const attributes: Attributes = {
    [Attr.operation]: 'chat',
    [Attr.system]: info.provider,
    [Attr.providerName]: info.provider,
    [Attr.requestModel]: info.model,
    [Attr.maxTokens]: info.maxTokens,
    [Attr.role]: info.role,
  };
  return tracing.tracer.startActiveSpan(`chat ${info.model}`, { kind: SpanKind.CLIENT, attributes }, run);
}

export interface ToolCallInfo {
  name: string;
  callId: string;
  stepId: string;
}

/** Run one tool call under an `execute_tool <name>` span and count it; a result marked isError counts as error. */
export async function observeToolCall<R extends { isError: boolean }>(
  info: ToolCallInfo,
  call: () => Promise<R>,
): Promise<R> {
  const tracing = activeTracing();
  const metrics = activeMetrics();
  if (!tracing && !metrics) return call();
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const run = async (span?: Span): Promise<R> => {
    try {
      const result = await call();
      const outcome: ToolOutcome = result.isError ? 'error' : 'ok';
      span?.setAttribute(Attr.outcome, outcome);
      if (result.isError)
        span?.setStatus({ code: SpanStatusCode.ERROR, message: 'the tool answered with an error' });
      metrics?.toolCall(info.name, outcome, seconds());
      return result;
    } catch (err) {
      const outcome: ToolOutcome = isAbort(err) ? 'cancelled' : 'failed';
      if (span) failSpan(span, err, outcome, errorType(err));
      metrics?.toolCall(info.name, outcome, seconds());
      throw err;
    } finally {
      span?.end();
    }
  };
  if (!tracing) return run();
  const attributes: Attributes = {
    [Attr.operation]: 'execute_tool',
    [Attr.toolName]: info.name,
    [Attr.toolCallId]: info.callId,
    [Attr.stepId]: info.stepId,
  };
  return tracing.tracer.startActiveSpan(
    `execute_tool ${info.name}`,
    { kind: SpanKind.INTERNAL, attributes },
    run,
  );
}

/** A tool call the worker refused before running it (the tool changed, a cut-off side effect): counted only. */
export function toolCallRefused(name: string): void {
  activeMetrics()?.toolCall(name, 'refused');
}

function failSpan(span: Span, err: unknown, outcome: string, type: string): void {
  span.setAttributes({ [Attr.outcome]: outcome, [Attr.errorType]: type });
  if (err instanceof Error) span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

function modelErrorOutcome(err: unknown): ModelOutcome {
  if (isAbort(err)) return 'cancelled';
  return err instanceof ModelCallError && err.kind === 'retryable' ? 'retryable_error' : 'error';
}

/** `error.type`: the HTTP status when a provider answered with one, else the error's class. */
function errorType(err: unknown): string {
  if (err instanceof ModelCallError && err.status !== undefined) return String(err.status);
  return err instanceof Error ? err.name : 'unknown';
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'APIUserAbortError');
}

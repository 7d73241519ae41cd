/**
 * The project's Prometheus metrics (prefix `plan_execute_`), in one registry with the Temporal SDK's own
 * (core-metrics.ts) and the count of runs waiting for people (waiting-runs.ts), served on one port
 * (metrics-server.ts). Recorded by the activities where the call really happens (a result replayed from
 * the worker's result store is not a call and is not counted).
 */
import { Counter, Histogram, Registry } from 'prom-client';

export type ModelOutcome = 'ok' | 'invalid_output' | 'retryable_error' | 'error' | 'cancelled';
export type ToolOutcome = 'ok' | 'error' | 'refused' | 'failed' | 'cancelled';

/** Seconds: from a fast local call to a slow model. */
const CALL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class ProjectMetrics {
  readonly registry = new Registry();
  private readonly modelCalls = new Counter({
    name: 'plan_execute_model_calls_total',
    help: 'Model calls by role (planner, executor, replanner), model (provider:model) and outcome.',
    labelNames: ['role', 'model', 'outcome'],
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'plan_execute_model_tokens_total',
    help: 'Tokens of model calls by role, model and direction (input, output).',
    labelNames: ['role', 'model', 'direction'],
    registers: [this.registry],
  });
  private readonly dollars = new Counter({
    name: 'plan_execute_model_cost_usd_total',
    help: 'What model calls cost, in US dollars, by role and model (calls whose price is known).',
    labelNames: ['role', 'model'],
    registers: [this.registry],
  });
  private readonly modelSeconds = new Histogram({
    name: 'plan_execute_model_call_duration_seconds',
    help: 'How long one model call took, by role and model.',
    labelNames: ['role', 'model'],
    buckets: CALL_BUCKETS,
    registers: [this.registry],
  });
  private readonly toolCalls = new Counter({
    name: 'plan_execute_tool_calls_total',
    help: 'Tool calls by tool and outcome (ok; error: the tool answered with an error; refused: not run, e.g. the tool changed since the run pinned it; failed: it threw; cancelled).',
    labelNames: ['tool', 'outcome'],
    registers: [this.registry],
  });
  private readonly toolSeconds = new Histogram({
    name: 'plan_execute_tool_call_duration_seconds',
    help: 'How long one tool call took, by tool.',
    labelNames: ['tool'],
    buckets: CALL_BUCKETS,
    registers: [this.registry],
  });

  modelCall(
    call: { role: string; modelSpec: string },
    outcome: ModelOutcome,
    seconds: number,
    usage?: { inputTokens: number; outputTokens: number },
    costUsd?: number,
  ): void {
    const labels = { role: call.role, model: call.modelSpec };
    this.modelCalls.inc({ ...labels, outcome });
    this.modelSeconds.observe(labels, seconds);
    if (usage) {
      this.tokens.inc({ ...labels, direction: 'input' }, usage.inputTokens);
      this.tokens.inc({ ...labels, direction: 'output' }, usage.outputTokens);
    }
    if (costUsd !== undefined) this.dollars.inc(labels, costUsd);
  }

  toolCall(tool: string, outcome: ToolOutcome, seconds?: number): void {
    this.toolCalls.inc({ tool, outcome });
    if (seconds !== undefined) this.toolSeconds.observe({ tool }, seconds);
  }
}

let current: ProjectMetrics | undefined;

/** The process's metrics once a worker serves them (metrics-server.ts), else undefined: nothing recorded. */
export function activeMetrics(): ProjectMetrics | undefined {
  return current;
}

export function enableMetrics(): ProjectMetrics {
  current ??= new ProjectMetrics();
  return current;
}

/**
 * The one place telemetry reads what a model call cost. Spans (`plan_execute.cost_usd`) and the dollars
 * counter (`plan_execute_model_cost_usd_total`) carry a cost only when this returns one; it returns undefined
 * while nothing knows the price.
 *
 * Hook for the cost work (src/llm/prices.ts): a response or activity result that carries `costUsd` (on
 * itself or on its `usage`) is read as it is; a price table can be consulted here instead, from `modelSpec`
 * and the usage, without any caller changing.
 */
export function callCostUsd(_modelSpec: string, result: unknown): number | undefined {
  return finiteCost(result) ?? finiteCost((result as { usage?: unknown } | undefined)?.usage);
}

function finiteCost(value: unknown): number | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const cost = (value as { costUsd?: unknown }).costUsd;
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}

/**
 * Custom search attributes a run keeps up to date, so runs can be found and filtered in the Temporal Web UI
 * and with `temporal workflow list --query`. Servers the project starts register them (dev server flags,
 * `npm run cluster`); existing clusters register them with `temporal operator search-attribute create`.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/** Name and Temporal type of each attribute, in the spelling the CLI's `--type` flag takes. */
export const SEARCH_ATTRIBUTES = [
  { name: 'AgentStatus', type: 'Keyword' },
  { name: 'AgentNeedsPerson', type: 'Bool' },
  { name: 'AgentStepsDone', type: 'Int' },
  { name: 'AgentStepsPlanned', type: 'Int' },
  { name: 'AgentPlanVersion', type: 'Int' },
  { name: 'AgentCostUsd', type: 'Double' },
  { name: 'AgentModels', type: 'KeywordList' },
] as const;

export const AgentStatusKey = defineSearchAttributeKey('AgentStatus', SearchAttributeType.KEYWORD);
export const AgentNeedsPersonKey = defineSearchAttributeKey('AgentNeedsPerson', SearchAttributeType.BOOL);
export const AgentStepsDoneKey = defineSearchAttributeKey('AgentStepsDone', SearchAttributeType.INT);
export const AgentStepsPlannedKey = defineSearchAttributeKey('AgentStepsPlanned', SearchAttributeType.INT);
export const AgentPlanVersionKey = defineSearchAttributeKey('AgentPlanVersion', SearchAttributeType.INT);
export const AgentCostUsdKey = defineSearchAttributeKey('AgentCostUsd', SearchAttributeType.DOUBLE);
export const AgentModelsKey = defineSearchAttributeKey('AgentModels', SearchAttributeType.KEYWORD_LIST);

/**
 * The values a client sets when it starts a run (the run then keeps them up to date). A client whose server
 * lacks the attributes starts the run without them; the run works the same, just unfilterable.
 */
export function initialSearchAttributes(models: string[]): SearchAttributePair[] {
  return [
    { key: AgentStatusKey, value: 'planning' },
    { key: AgentNeedsPersonKey, value: false },
    { key: AgentStepsDoneKey, value: 0 },
    { key: AgentStepsPlannedKey, value: 0 },
    { key: AgentPlanVersionKey, value: 0 },
    { key: AgentCostUsdKey, value: 0 },
    { key: AgentModelsKey, value: [...new Set(models)] },
  ];
}

/** `--search-attribute NAME=TYPE` flags for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`]);
}

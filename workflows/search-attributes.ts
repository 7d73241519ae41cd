/**
 * Custom search attributes a run keeps up to date, so runs can be found and filtered in the Temporal Web UI
 * and with `temporal workflow list --query`. Servers the project starts register them (dev server flags,
 * `npm run cluster`); existing clusters register them with `temporal operator search-attribute create`.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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

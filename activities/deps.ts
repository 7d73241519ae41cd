/** What the activities are built from: the worker's model clients, tools, workspace root and prices. */
import type { ModelClients } from '../src/llm';
import type { PriceTable } from '../src/llm/prices';
import type { ToolBox } from '../src/tools';

export interface ActivityDeps {
  models: ModelClients;
  tools: ToolBox;
  /** Folder under which each run gets its own workspace folder, named after the workflow id. */
  workspaceRoot: string;
  maxOutputTokens: number;
  /** What each model costs: every model call's result carries its price (unknown models: null). */
  prices: PriceTable;
}

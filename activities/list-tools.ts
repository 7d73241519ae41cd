/** The catalogue a run pins at its start, and the tool lines the planner and re-planner are shown. */
import { ApplicationFailure } from '@temporalio/common';
import { ToolSelectionError, ToolSourceError, type ToolBox } from '../src/tools';
import type { ListToolsInput, ToolCatalogue } from '../workflows/activity-contract';
import { ToolFailureType } from './run-tool';

export async function listTools(tools: ToolBox, input: ListToolsInput): Promise<ToolCatalogue> {
  try {
    return await tools.catalogue(input);
  } catch (err) {
    if (err instanceof ToolSelectionError) {
      throw ApplicationFailure.create({
        message: err.message,
        type: 'ToolSelectionInvalid',
        nonRetryable: true,
      });
    }
    if (err instanceof ToolSourceError) {
      // An MCP server that is starting may answer on the next attempt.
      throw ApplicationFailure.create({ message: err.message, type: ToolFailureType.sourceUnavailable });
    }
    throw err;
  }
}

/** Names with their one-line descriptions, or undefined for runs that have no catalogue. */
export async function toolSummaries(
  tools: ToolBox,
  names: string[] | undefined,
): Promise<{ name: string; description: string }[] | undefined> {
  if (!names) return undefined;
  try {
    return await tools.summaries(names);
  } catch {
    // A server that cannot answer now must not stop planning: show the names alone.
    return names.map((name) => ({ name, description: '' }));
  }
}

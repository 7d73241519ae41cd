/**
 * Every message the workflow answers, defined once. The client imports these definitions; nothing is sent
 * by string name.
 */
import { defineQuery } from '@temporalio/workflow';
import type { RunState } from './state';

export const WORKFLOW_TYPE = 'planAndExecute';

export const getStateQuery = defineQuery<RunState>('getState');

/**
 * ask_human, defined with the same API as every other tool so the executor is offered it the same way and
 * the catalogue lists it. It never runs in the worker: the workflow answers it itself, waiting durably for a
 * person (workflows/questions.ts).
 */
import { ASK_HUMAN_TOOL, AskHumanInputSchema } from '../../workflows/messages';
import { defineTool } from './tool';

export const askHumanTool = defineTool({
  name: ASK_HUMAN_TOOL,
  description: 'Ask the person overseeing this run one question and wait for the answer.',
  kind: 'read-only',
  timeoutSeconds: 1,
  input: AskHumanInputSchema,
  run() {
    return Promise.reject(new Error(`${ASK_HUMAN_TOOL} is answered by the workflow, not run as a tool`));
  },
});

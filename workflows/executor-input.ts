/**
 * The input of one executor turn, built the same way by the workflow (one turn per activity) and by the
 * executorTurns activity (several turns in one): the stored result of a call counts only for the same input
 * (its fingerprint, which depends on the order of the keys), so a turn made by either is found by the other.
 */
import type { ChatMessage } from './chat';
import type { ExecutorInput, ExecutorTurnBase } from './activity-contract';
import { compactTranscript } from './transcript';

export function executorTurnKey(stepKey: string, turn: number): string {
  return `${stepKey}/turn-${turn}`;
}

export function toolCallKey(stepKey: string, turn: number, index: number): string {
  return `${executorTurnKey(stepKey, turn)}/call-${index}`;
}

export function executorTurnInput(
  base: ExecutorTurnBase,
  transcript: ChatMessage[],
  turn: number,
  stepKey: string,
): ExecutorInput {
  // Keys in the order the workflow always wrote them: fingerprints of results stored before stay valid.
  return {
    goal: base.goal,
    step: base.step,
    dependencies: base.dependencies,
    transcript: compactTranscript(transcript),
    advice: base.advice,
    model: base.model,
    turn,
    maxTurns: base.maxTurns,
    idempotencyKey: executorTurnKey(stepKey, turn),
    ...(base.tools ? { tools: base.tools } : {}),
  };
}

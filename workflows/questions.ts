/**
 * ask_human: the executor's question waits, durably, in the workflow (no activity runs) until a person
 * answers or the question times out; the answer goes back to the executor as the tool's result. Parallel
 * steps may ask at once: every question waits in order, and an answer names its question or takes the oldest.
 */
import { condition } from '@temporalio/workflow';
import type { ToolCall, ToolResult } from './chat';
import { AskHumanInputSchema, ASK_HUMAN_TOOL } from './messages';
import { PlanEditError } from './plan-edits';
import type { RunCore } from './run-core';
import { now, truncate } from './run-core';

export class Questions {
  private readonly answers = new Map<string, string>();

  constructor(
    private readonly core: RunCore,
    /** Questions asked so far in the whole run (carried across continue-as-new), for ids q1, q2, ... */
    public count = 0,
  ) {}

  async ask(stepId: string, call: ToolCall): Promise<ToolResult> {
    const parsed = AskHumanInputSchema.safeParse(call.input);
    if (!parsed.success) {
      return {
        toolCallId: call.id,
        isError: true,
        content: `${ASK_HUMAN_TOOL} needs {"question": "..."}: ${parsed.error.issues[0]?.message ?? 'invalid input'}`,
      };
    }
    const { state } = this.core;
    const id = `q${++this.count}`;
    state.questions.push({ id, stepId, question: parsed.data.question, askedAt: now() });
    this.show();
    this.core.event('question_asked', `Step ${stepId} asks (${id}): ${parsed.data.question}`, stepId);
    const timeout = this.core.input.options.questionTimeoutSeconds;
    const answered =
      timeout === undefined
        ? await condition(() => this.answers.has(id)).then(() => true)
        : await condition(() => this.answers.has(id), timeout * 1_000);
    state.questions = state.questions.filter((q) => q.id !== id);
    this.show();
    if (!answered) {
      this.core.event('question_timed_out', `No answer to ${id} within ${timeout} s.`, stepId);
      return {
        toolCallId: call.id,
        isError: true,
        content: `No answer within ${timeout} s. Go on with your best judgement and say what you assumed.`,
      };
    }
    const answer = this.answers.get(id) ?? '';
    this.answers.delete(id);
    return { toolCallId: call.id, isError: false, content: `A person answered: ${answer}` };
  }

  /** Throws when there is nothing to answer, or the named question is not waiting. */
  checkCanAnswer(questionId: string | undefined): void {
    const waiting = this.core.state.questions;
    if (waiting.length === 0) throw new PlanEditError('no question is waiting for an answer');
    if (questionId !== undefined && !waiting.some((q) => q.id === questionId)) {
      throw new PlanEditError(
        `question "${questionId}" is not waiting; waiting: ${waiting.map((q) => q.id).join(', ')}`,
      );
    }
  }

  /** Answer the named question, or the oldest one waiting. Returns the id answered. */
  answer(answer: string, questionId: string | undefined): string {
    const question =
      this.core.state.questions.find((q) => q.id === questionId) ?? this.core.state.questions[0];
    if (!question) return '';
    this.answers.set(question.id, answer);
    // Answered questions leave the list at once, so a second answer in the same task goes to the next one.
    this.core.state.questions = this.core.state.questions.filter((q) => q.id !== question.id);
    this.show();
    this.core.event(
      'question_answered',
      `Answer to ${question.id}: ${truncate(answer, 200)}`,
      question.stepId,
    );
    return question.id;
  }

  private show(): void {
    this.core.state.pendingQuestion = this.core.state.questions[0];
    this.core.refreshStatus();
  }
}

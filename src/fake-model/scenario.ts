/**
 * The scenario format of the fake model server: an ordered list of rules. Each request is answered by the
 * first rule that matches it and still has uses left. See README "Fake model server".
 */
import { z } from 'zod';

const ToolCallReply = z
  .object({
    name: z.string().min(1),
    /** Arguments as an object. */
    input: z.unknown().optional(),
    /** Arguments sent verbatim as text (OpenAI) or as a string input (Anthropic): for malformed output. */
    rawArguments: z.string().optional(),
  })
  .strict();

const Reply = z
  .object({
    text: z.string().optional(),
    toolCalls: z.array(ToolCallReply).optional(),
    /** Overrides the emulated usage. inputTokens counts every input token, cached ones included. */
    usage: z
      .object({
        inputTokens: z.number().int().min(0),
        outputTokens: z.number().int().min(0),
        cacheReadTokens: z.number().int().min(0).optional(),
        cacheWriteTokens: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    /** Overrides the stop reason (Anthropic stop_reason, OpenAI finish_reason), e.g. "refusal". */
    stopReason: z.string().optional(),
    /** OpenAI only: the message's refusal text. */
    refusal: z.string().optional(),
  })
  .strict();

const ErrorReply = z
  .object({
    status: z.number().int().min(400).max(599),
    message: z.string().default('fake model server: scripted error'),
    headers: z.record(z.string(), z.string()).default({}),
    /** Put the API key the request carried into the message, as careless providers and proxies do. */
    echoKey: z.boolean().default(false),
  })
  .strict();

export const RuleSchema = z
  .object({
    name: z.string().optional(),
    match: z
      .object({
        api: z.enum(['anthropic', 'openai']).optional(),
        model: z.string().optional(),
        /** The request forces this tool (structured output: submit_plan, submit_replan). */
        forcedTool: z.string().optional(),
        /** Substring of the request's text: system prompt, messages and tool results. */
        contains: z.string().optional(),
        /** Substring of the last message in the request (e.g. a tool result). */
        lastMessageContains: z.string().optional(),
      })
      .strict()
      .default({}),
    /** How many requests this rule answers; ignored when `repeat` is true. */
    times: z.number().int().min(1).default(1),
    repeat: z.boolean().default(false),
    /** Wait this long before answering. */
    delayMs: z.number().int().min(0).max(600_000).default(0),
    reply: Reply.optional(),
    error: ErrorReply.optional(),
    /** Destroy the connection without answering (a connection reset). */
    drop: z.boolean().optional(),
    /** Answer 200 with a body that is not JSON. */
    malformedBody: z.boolean().optional(),
    /** Answer 200 with exactly this JSON body (a response of the wrong shape). */
    rawBody: z.unknown().optional(),
  })
  .strict()
  .refine(
    (r) => [r.reply, r.error, r.drop, r.malformedBody, r.rawBody].filter((x) => x !== undefined).length === 1,
    { message: 'each rule needs exactly one of reply, error, drop, malformedBody or rawBody' },
  );

export const ScenarioSchema = z
  .object({
    description: z.string().optional(),
    rules: z.array(RuleSchema).min(1),
    /** The prompt-cache emulation (see prompt-cache.ts): the shortest prefix each API caches, in tokens. */
    cache: z
      .object({
        anthropicMinTokens: z.number().int().min(0).default(0),
        openaiMinTokens: z.number().int().min(0).default(1024),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Scenario = z.input<typeof ScenarioSchema>;
export type Rule = z.output<typeof RuleSchema>;
export type ParsedScenario = z.output<typeof ScenarioSchema>;

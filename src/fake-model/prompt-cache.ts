/**
 * The fake server's prompt cache, so tests and benchmarks can see what caching saves.
 *
 * Anthropic: a block marked with cache_control writes the prefix up to and including it (tools, system,
 * messages, in that order) to the cache; a later request of the same model reads the longest prefix, up to
 * its last mark, that an earlier request wrote, ending at any block boundary (as the real API looks back
 * from its marks). Reported as cache_read_input_tokens / cache_creation_input_tokens, apart from
 * input_tokens. Anthropic caches only prefixes of 1,024 tokens or more (2,048 for Haiku); the fake caches
 * any length unless the scenario sets `cache.anthropicMinTokens`.
 *
 * OpenAI: automatic, no marks. A request's longest common prefix with an earlier request of the same model
 * is served from the cache when it reaches 1,024 tokens (`cache.openaiMinTokens`), in steps of 128 tokens,
 * reported as prompt_tokens_details.cached_tokens (included in prompt_tokens).
 *
 * Tokens are estimated as characters / 4, tool definitions included.
 */
import { createHash } from 'node:crypto';
import type { Api } from './wire';
import { estimateTokens } from './wire';

type Json = Record<string, unknown>;

export interface CacheSettings {
  anthropicMinTokens: number;
  openaiMinTokens: number;
}

export interface PromptUsage {
  /** Every input token, cached ones included. */
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Earlier prompts kept per model for OpenAI's prefix matching. */
const OPENAI_PROMPTS_KEPT = 64;

export class PromptCache {
  private readonly written = new Set<string>();
  private readonly prompts = new Map<string, string[]>();

  clear(): void {
    this.written.clear();
    this.prompts.clear();
  }

  usage(api: Api, body: Json, settings: CacheSettings): PromptUsage {
    return api === 'anthropic' ? this.anthropic(body, settings) : this.openai(body, settings);
  }

  private anthropic(body: Json, settings: CacheSettings): PromptUsage {
    const blocks = anthropicBlocks(body);
    let hash = `anthropic:${String(body.model)}`;
    let tokens = 0;
    let read = 0;
    let lastMark = -1;
    const boundaries = blocks.map((block, index) => {
      hash = sha1(`${hash}\u0000${block.key}`);
      tokens += block.tokens;
      if (block.marked) lastMark = index;
      return { hash, tokens };
    });
    for (const [index, b] of boundaries.entries()) {
      if (index > lastMark) break;
      if (this.written.has(b.hash)) read = b.tokens;
    }
    let write = 0;
    const markedEnd = lastMark >= 0 ? (boundaries[lastMark]?.tokens ?? 0) : 0;
    if (lastMark >= 0 && markedEnd >= settings.anthropicMinTokens) {
      write = Math.max(0, markedEnd - read);
      for (const [index, block] of blocks.entries()) {
        const b = boundaries[index];
        if (block.marked && b && b.tokens >= settings.anthropicMinTokens) this.written.add(b.hash);
      }
    }
    return { inputTokens: tokens, cacheReadTokens: read, cacheWriteTokens: write };
  }

  private openai(body: Json, settings: CacheSettings): PromptUsage {
    const tools = Array.isArray(body.tools) ? body.tools : [];
    const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
    const prompt = JSON.stringify(tools) + messages.map((m) => JSON.stringify(m)).join('');
    const total =
      estimateTokens(JSON.stringify(tools)) +
      messages.reduce((n, m) => n + estimateTokens(messageText(m.content)), 0);
    const model = String(body.model);
    const earlier = this.prompts.get(model) ?? [];
    let common = 0;
    for (const p of earlier) common = Math.max(common, commonPrefix(p, prompt));
    earlier.push(prompt);
    if (earlier.length > OPENAI_PROMPTS_KEPT) earlier.shift();
    this.prompts.set(model, earlier);
    const commonTokens = Math.floor((total * common) / Math.max(1, prompt.length));
    const cached = commonTokens >= settings.openaiMinTokens ? Math.floor(commonTokens / 128) * 128 : 0;
    return { inputTokens: total, cacheReadTokens: cached, cacheWriteTokens: 0 };
  }
}

interface Block {
  /** The block's exact JSON without its cache mark: what the prefix hash covers. */
  key: string;
  tokens: number;
  marked: boolean;
}

/** Tools, then the system prompt, then each message's content blocks: the order Anthropic caches in. */
function anthropicBlocks(body: Json): Block[] {
  const out: Block[] = [];
  const add = (value: unknown, text: string): void => {
    const { cache_control: mark, ...rest } = (typeof value === 'object' && value ? value : { value }) as Json;
    out.push({
      key: JSON.stringify(rest),
      tokens: estimateTokens(text),
      marked: mark !== undefined && mark !== null,
    });
  };
  for (const tool of Array.isArray(body.tools) ? (body.tools as Json[]) : []) add(tool, JSON.stringify(tool));
  if (typeof body.system === 'string') add({ type: 'text', text: body.system }, body.system);
  else if (Array.isArray(body.system)) for (const b of body.system as Json[]) add(b, messageText(b));
  for (const message of Array.isArray(body.messages) ? (body.messages as Json[]) : []) {
    const content = message.content;
    if (typeof content === 'string') add({ role: message.role, type: 'text', text: content }, content);
    else if (Array.isArray(content))
      for (const b of content as Json[]) add({ role: message.role, ...b }, messageText(b));
  }
  return out;
}

function messageText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(messageText).join('\n');
  if (value && typeof value === 'object') {
    const v = value as Json;
    if (typeof v.text === 'string') return v.text;
    if (v.type === 'tool_result') return messageText(v.content);
    return JSON.stringify(v);
  }
  return '';
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

import { AnthropicModelClient } from './anthropic';
import { ModelConfigError } from './errors';
import { OpenAIModelClient } from './openai';
import type { ModelClient } from './types';

export * from './types';
export * from './errors';

/** What the worker needs to reach model providers. Read from the worker's environment only. */
export interface ProviderSettings {
  anthropicApiKey?: string;
  anthropicBaseUrl?: string;
  openaiApiKey?: string;
  openaiBaseUrl?: string;
  timeoutMs: number;
}

export interface ParsedModelSpec {
  provider: 'anthropic' | 'openai';
  model: string;
}

export function parseModelSpec(spec: string): ParsedModelSpec {
  const match = /^(anthropic|openai):(\S+)$/.exec(spec);
  if (!match?.[1] || !match[2]) {
    throw new ModelConfigError(
      `Model "${spec}" is not "provider:model"; use e.g. "anthropic:claude-sonnet-4-6" or "openai:gpt-4o-mini".`,
    );
  }
  return { provider: match[1] as ParsedModelSpec['provider'], model: match[2] };
}

/** Why the worker cannot call `provider`, or undefined when it can. */
export function missingCredentials(
  provider: ParsedModelSpec['provider'],
  settings: ProviderSettings,
): string | undefined {
  if (provider === 'anthropic' && !settings.anthropicApiKey && !settings.anthropicBaseUrl) {
    return 'No Anthropic credentials: set ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL for a fake or proxy server).';
  }
  if (provider === 'openai' && !settings.openaiApiKey && !settings.openaiBaseUrl) {
    return 'No OpenAI credentials: set OPENAI_API_KEY (or OPENAI_BASE_URL for an OpenAI-compatible server such as vLLM or Ollama).';
  }
  return undefined;
}

/** Builds one client per provider, on first use, so a worker only needs keys for the providers it uses. */
export class ModelClients {
  private readonly clients = new Map<string, ModelClient>();

  constructor(private readonly settings: ProviderSettings) {}

  forSpec(spec: string): { client: ModelClient; model: string } {
    const { provider, model } = parseModelSpec(spec);
    const problem = missingCredentials(provider, this.settings);
    if (problem) throw new ModelConfigError(problem);
    let client = this.clients.get(provider);
    if (!client) {
      // Servers behind a base URL (fakes, Ollama, vLLM) often need no key; the SDKs insist on one.
      client =
        provider === 'anthropic'
          ? new AnthropicModelClient({
              apiKey: this.settings.anthropicApiKey ?? 'unused',
              ...(this.settings.anthropicBaseUrl ? { baseURL: this.settings.anthropicBaseUrl } : {}),
              timeoutMs: this.settings.timeoutMs,
            })
          : new OpenAIModelClient({
              apiKey: this.settings.openaiApiKey ?? 'unused',
              ...(this.settings.openaiBaseUrl ? { baseURL: this.settings.openaiBaseUrl } : {}),
              timeoutMs: this.settings.timeoutMs,
            });
      this.clients.set(provider, client);
    }
    return { client, model };
  }
}

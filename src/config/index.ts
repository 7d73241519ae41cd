/**
 * Settings read from the environment, validated with zod. Read only in processes (worker, CLI), never in
 * workflow code, and never copied into workflow input: keys stay in the worker's environment.
 */
import { z } from 'zod';
import type { ProviderSettings } from '../llm';
import { loadPriceOverrides, PriceConfigError, type PriceOverrides } from '../llm/prices';
import {
  DEFAULT_EXECUTOR_MODEL,
  DEFAULT_PLANNER_MODEL,
  describeZodError,
  ModelSpecSchema,
} from '../../workflows/schemas';

export const DEFAULT_TASK_QUEUE = 'plan-and-execute';

const optionalText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.string().optional(),
);
const optionalUrl = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.url({ message: 'must be a URL such as http://127.0.0.1:8787' }).optional(),
);
const positiveInt = (fallback: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? fallback : Number(v)), z.number().int().positive());

export const EnvSchema = z.object({
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_BASE_URL: optionalUrl,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalUrl,
  PLANNER_MODEL: z.preprocess((v) => v || undefined, ModelSpecSchema.default(DEFAULT_PLANNER_MODEL)),
  EXECUTOR_MODEL: z.preprocess((v) => v || undefined, ModelSpecSchema.default(DEFAULT_EXECUTOR_MODEL)),
  REPLANNER_MODEL: z.preprocess((v) => v || undefined, ModelSpecSchema.optional()),
  TASK_QUEUE: z.preprocess((v) => v || undefined, z.string().default(DEFAULT_TASK_QUEUE)),
  WORKSPACE_ROOT: z.preprocess((v) => v || undefined, z.string().default('.workspace')),
  MODEL_TIMEOUT_MS: positiveInt(300_000),
  MODEL_MAX_TOKENS: positiveInt(4_096),
  /** Tool modules, paths separated by ":" (see src/tools/config.ts). */
  TOOL_MODULES: optionalText,
  MCP_CONFIG: optionalText,
  TOOLS_CONFIG: optionalText,
  TEMPORAL_UI_URL: optionalUrl,
  TEMPORAL_UI_PORT: z.preprocess(
    (v) => (v === undefined || v === '' ? undefined : Number(v)),
    z.number().int().min(1).max(65_535).optional(),
  ),
});

export interface AppConfig {
  providers: ProviderSettings;
  models: { planner: string; executor: string; replanner: string };
  taskQueue: string;
  workspaceRoot: string;
  maxOutputTokens: number;
  uiUrl?: string;
  /** Prices for models the built-in table lacks or has wrong (MODEL_PRICES_FILE, MODEL_PRICES). */
  prices?: PriceOverrides;
  /** Where the worker's tools come from besides the built-ins (flags add to these). */
  tools?: { modules: string[]; mcpConfigFile?: string; toolsConfigFile?: string };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid environment: ${describeZodError(parsed.error)}`);
  const e = parsed.data;
  let prices: PriceOverrides;
  try {
    prices = loadPriceOverrides(env);
  } catch (err) {
    if (err instanceof PriceConfigError) throw new ConfigError(`Invalid environment: ${err.message}`);
    throw err;
  }
  return {
    prices,
    providers: {
      ...(e.ANTHROPIC_API_KEY ? { anthropicApiKey: e.ANTHROPIC_API_KEY } : {}),
      ...(e.ANTHROPIC_BASE_URL ? { anthropicBaseUrl: e.ANTHROPIC_BASE_URL } : {}),
      ...(e.OPENAI_API_KEY ? { openaiApiKey: e.OPENAI_API_KEY } : {}),
      ...(e.OPENAI_BASE_URL ? { openaiBaseUrl: e.OPENAI_BASE_URL } : {}),
      timeoutMs: e.MODEL_TIMEOUT_MS,
    },
    models: {
      planner: e.PLANNER_MODEL,
      executor: e.EXECUTOR_MODEL,
      replanner: e.REPLANNER_MODEL ?? e.PLANNER_MODEL,
    },
    taskQueue: e.TASK_QUEUE,
    workspaceRoot: e.WORKSPACE_ROOT,
    maxOutputTokens: e.MODEL_MAX_TOKENS,
    tools: {
      modules: (e.TOOL_MODULES ?? '').split(':').filter((m) => m.trim() !== ''),
      ...(e.MCP_CONFIG ? { mcpConfigFile: e.MCP_CONFIG } : {}),
      ...(e.TOOLS_CONFIG ? { toolsConfigFile: e.TOOLS_CONFIG } : {}),
    },
    ...(e.TEMPORAL_UI_URL
      ? { uiUrl: e.TEMPORAL_UI_URL.replace(/\/$/, '') }
      : e.TEMPORAL_UI_PORT
        ? { uiUrl: `http://127.0.0.1:${e.TEMPORAL_UI_PORT}` }
        : {}),
  };
}

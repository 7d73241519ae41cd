/**
 * Which tools a run may use and what may run without a person: allow-lists and policies by tool name or
 * glob (`fs__*`, `*__write_*`). Decided in the worker when the run's catalogue is listed, so the workflow only
 * keeps the outcome (and needs no glob matching of its own).
 */
import { minimatch } from 'minimatch';
import type { ToolPolicy } from './tool';

/** Tool name or glob → policy. */
export type PolicyRules = Record<string, ToolPolicy>;

const STRICTNESS: Record<ToolPolicy, number> = { allow: 0, ask: 1, deny: 2 };

export function matchesGlob(name: string, pattern: string): boolean {
  return minimatch(name, pattern, { nocomment: true, nonegate: true, noext: true });
}

/**
 * The rule for `name`: the most specific one that matches (an exact name before any glob, then the glob with
 * the most literal characters, then the one written first).
 */
export function matchRule(
  rules: PolicyRules | undefined,
  name: string,
): { pattern: string; policy: ToolPolicy } | undefined {
  let best: { pattern: string; policy: ToolPolicy; score: number } | undefined;
  for (const [pattern, policy] of Object.entries(rules ?? {})) {
    if (!matchesGlob(name, pattern)) continue;
    const score = pattern === name ? Number.MAX_SAFE_INTEGER : pattern.replace(/[*?[\]]/g, '').length;
    if (!best || score > best.score) best = { pattern, policy, score };
  }
  return best && { pattern: best.pattern, policy: best.policy };
}

export interface PolicyDecision {
  policy: ToolPolicy;
  /** Where it came from, for people: "default for a side-effect tool", "config rule fs__*", ... */
  reason: string;
}

/**
 * A tool's policy for a run. A rule of the worker's config is the operator's ceiling: a run's rule may make
 * it stricter, never looser. Where the config says nothing, the run's rule replaces the tool's default.
 */
export function resolvePolicy(
  name: string,
  fallback: PolicyDecision,
  config: PolicyRules | undefined,
  run: PolicyRules | undefined,
): PolicyDecision {
  const fromConfig = matchRule(config, name);
  const fromRun = matchRule(run, name);
  if (fromConfig && fromRun) {
    return STRICTNESS[fromRun.policy] > STRICTNESS[fromConfig.policy]
      ? { policy: fromRun.policy, reason: `run option toolPolicy "${fromRun.pattern}"` }
      : { policy: fromConfig.policy, reason: `worker config rule "${fromConfig.pattern}"` };
  }
  if (fromConfig) return { policy: fromConfig.policy, reason: `worker config rule "${fromConfig.pattern}"` };
  if (fromRun) return { policy: fromRun.policy, reason: `run option toolPolicy "${fromRun.pattern}"` };
  return fallback;
}

/** Whether the run's allow-list (option `tools`) lets `name` in; no list lets every tool in. */
export function allowedByList(name: string, allow: readonly string[] | undefined): boolean {
  return allow === undefined || allow.some((pattern) => matchesGlob(name, pattern));
}

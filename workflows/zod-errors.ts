/**
 * Turning zod's complaints about unknown keys into messages a person can act on: the key, where it is,
 * and the closest known key ("reasn" → did you mean "reason"?). Pure functions with no dependency beyond
 * zod, so the workflow, the activities and the clients all word them the same way.
 */
import type { z } from 'zod';

/** Where a parse happened: the schema and the value it was given, to find the keys known at a path. */
export interface ParseSource {
  schema: z.ZodType;
  input: unknown;
}

/**
 * The known key closest to `key`, or undefined when none is close enough to be a likely typo. Keys are
 * compared without case, "_" and "-" first (depends_on → dependsOn), then by edit distance (with
 * transpositions), allowing about one slip in three characters.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const wanted = norm(key);
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(wanted, norm(candidate));
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(wanted.length, 3) / 3));
  return best.distance <= allowed ? best.key : undefined;
}

/**
 * One line per unknown key: `ops.0.reasn: unknown key; did you mean "reason"?`, or the keys known there
 * when none is close.
 */
export function describeUnknownKeys(
  path: readonly PropertyKey[],
  keys: readonly string[],
  known: readonly string[] | undefined,
): string[] {
  return keys.map((key) => {
    const where = [...path, key].map(String).join('.');
    if (!known || known.length === 0) return `${where}: unknown key`;
    const near = closestKey(key, known);
    return near !== undefined
      ? `${where}: unknown key; did you mean "${near}"?`
      : `${where}: unknown key (known keys here: ${known.join(', ')})`;
  });
}

/** The keys an object schema accepts at `path` of `input`, following arrays, wrappers and unions. */
export function knownKeysAt(
  schema: z.ZodType,
  input: unknown,
  path: readonly PropertyKey[],
): string[] | undefined {
  let current: unknown = schema;
  let value = input;
  for (let i = 0; ; i++) {
    current = unwrap(current, value);
    const def = defOf(current);
    if (!def) return undefined;
    if (i === path.length) {
      return def.type === 'object' && isRecord(def.shape) ? Object.keys(def.shape) : undefined;
    }
    const segment = path[i] as PropertyKey;
    value = isRecord(value) ? value[segment as string] : undefined;
    if (def.type === 'object' && isRecord(def.shape)) current = def.shape[segment as string];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else if (def.type === 'tuple' && Array.isArray(def.items)) current = def.items[Number(segment)];
    else return undefined;
  }
}

type Def = Record<string, unknown> & { type?: string };

function defOf(schema: unknown): Def | undefined {
  const zod = isRecord(schema) ? schema._zod : undefined;
  return isRecord(zod) && isRecord(zod.def) ? zod.def : undefined;
}

/** Strip optional/default/pipe/... wrappers; pick the union member the value's discriminator names. */
function unwrap(schema: unknown, value: unknown): unknown {
  for (let depth = 0; depth < 32; depth++) {
    const def = defOf(schema);
    if (!def) return schema;
    if ('innerType' in def) schema = def.innerType;
    else if (def.type === 'pipe') schema = def.in;
    else if (def.type === 'lazy' && typeof def.getter === 'function')
      schema = (def.getter as () => unknown)();
    else if (def.type === 'union' && Array.isArray(def.options)) {
      const options = def.options as unknown[];
      const tag = typeof def.discriminator === 'string' ? def.discriminator : undefined;
      const chosen =
        tag !== undefined && isRecord(value)
          ? options.find((o) => literalOf(o, tag, value[tag]))
          : options.find((o) => defOf(unwrap(o, value))?.type === 'object');
      if (chosen === undefined) return schema;
      schema = chosen;
    } else return schema;
  }
  return schema;
}

function literalOf(option: unknown, tag: string, wanted: unknown): boolean {
  const def = defOf(option);
  const field = def && isRecord(def.shape) ? defOf(def.shape[tag]) : undefined;
  return Array.isArray(field?.values) && field.values.includes(wanted);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] as number;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

/** Figures over rounds (median, min, max) and Markdown tables to print them. */

export interface Stat {
  median: number;
  min: number;
  max: number;
}

export function stat(xs: number[]): Stat {
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN };
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

/** "median (min-max)", or just the number when there was one round. */
export function fmtStat(s: Stat, digits = 1): string {
  if (Number.isNaN(s.median)) return '-';
  const m = s.median.toFixed(digits);
  return s.min === s.max ? m : `${m} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;
}

export const mb = (bytes: number): number => bytes / 2 ** 20;

export function markdownTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

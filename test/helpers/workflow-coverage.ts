/**
 * Coverage of the workflow code, which runs in the worker's sandbox where jest's instrumentation does not
 * reach. With `jest --coverage`, test/setup/global-setup.ts builds a second workflow bundle instrumented by
 * @temporalio/nyc-test-coverage; a suite's in-process worker runs that bundle, whose interceptor sends the
 * sandbox's counters through the `coverage` sink after every activation. They are added up here and, when
 * the suite ends, folded into the test file's own coverage, which jest collects.
 *
 * Folded, not merged: the sandbox counts positions in the bundler's output, jest in ts-jest's output, so
 * the same statement has different positions in the two. Both map back to the TypeScript source, where a
 * statement, function or branch starts at the same place; the sandbox's counts are added to jest's own
 * counters with the same start in the source. (Merging the two as they are would count every statement
 * twice, once covered and once not.)
 */
import { originalPositionFor, TraceMap, type SourceMapInput } from '@jridgewell/trace-mapping';
import { WorkflowCoverage } from '@temporalio/nyc-test-coverage';
import type { CoverageSinks } from '@temporalio/nyc-test-coverage/lib/sinks';
import { bundleWorkflowCode, type BundleOptions, type InjectedSinks } from '@temporalio/worker';
import libCoverage, { type CoverageMapData, type FileCoverageData, type Range } from 'istanbul-lib-coverage';

export const COVERAGE_BUNDLE_ENV = 'PE_WORKFLOW_BUNDLE_COVERAGE';

type CoverageGlobal = { __coverage__?: CoverageMapData };
type WithSourceMap = FileCoverageData & { inputSourceMap?: SourceMapInput };

export class SuiteWorkflowCoverage {
  private readonly sandbox = libCoverage.createCoverageMap({});

  private constructor(readonly bundlePath: string) {}

  /** Set up when jest collects coverage and global setup built the instrumented bundle; otherwise undefined. */
  static fromEnv(): SuiteWorkflowCoverage | undefined {
    const bundlePath = process.env[COVERAGE_BUNDLE_ENV];
    if (!bundlePath || !('__coverage__' in globalThis)) return undefined;
    return new SuiteWorkflowCoverage(bundlePath);
  }

  /** The sink the instrumented bundle's interceptor calls (name and shape fixed by nyc-test-coverage). */
  get sinks(): InjectedSinks<CoverageSinks> {
    return {
      coverage: {
        merge: { fn: (_info, data: CoverageMapData) => this.sandbox.merge(data), callDuringReplay: false },
      },
    };
  }

  /** Fold what the sandbox counted into this test file's coverage (see the top of the file). */
  flush(): void {
    // Plain data under istanbul's global: what instrumented code writes there.
    const own = (globalThis as { __coverage__?: Record<string, WithSourceMap | undefined> }).__coverage__;
    if (!own) return;
    for (const file of this.sandbox.files()) {
      const target = own[file];
      const source = this.sandbox.fileCoverageFor(file).toJSON() as WithSourceMap;
      if (target?.inputSourceMap && source.inputSourceMap) fold(source, target);
    }
  }
}

/** Add the counters of `from` to those of `into` that start at the same place in the TypeScript source. */
function fold(from: WithSourceMap, into: WithSourceMap): void {
  const fromMap = new TraceMap(from.inputSourceMap!);
  const intoMap = new TraceMap(into.inputSourceMap!);
  const startOf = (map: TraceMap, range: Range | undefined): string | undefined => {
    if (range?.start.line === undefined || range.start.column === undefined) return undefined;
    const original = originalPositionFor(map, { line: range.start.line, column: range.start.column });
    return original.line === null ? undefined : `${original.line}:${original.column}`;
  };
  /** Hits by start in the source, and the most hits of anything starting on each source line. */
  const counts = (entries: [string, Range | undefined, number][]) => {
    const byStart = new Map<string, number>();
    const byLine = new Map<string, number>();
    for (const [, range, hits] of entries) {
      const key = startOf(fromMap, range);
      if (key === undefined) continue;
      byStart.set(key, (byStart.get(key) ?? 0) + hits);
      const line = key.split(':')[0]!;
      byLine.set(line, Math.max(byLine.get(line) ?? 0, hits));
    }
    // Where the two compilers put a start differently (class fields: swc moves them into the
    // constructor), the line's hits stand in for the statement's.
    return (key: string) => byStart.get(key) ?? byLine.get(key.split(':')[0]!) ?? 0;
  };

  const statements = counts(Object.entries(from.statementMap).map(([id, r]) => [id, r, from.s[id] ?? 0]));
  for (const [id, range] of Object.entries(into.statementMap)) {
    const key = startOf(intoMap, range);
    if (key !== undefined) into.s[id] = (into.s[id] ?? 0) + statements(key);
  }

  const functions = counts(Object.entries(from.fnMap).map(([id, fn]) => [id, fn.decl, from.f[id] ?? 0]));
  for (const [id, fn] of Object.entries(into.fnMap)) {
    const key = startOf(intoMap, fn.decl);
    if (key !== undefined) into.f[id] = (into.f[id] ?? 0) + functions(key);
  }

  // A branch's arms are matched by where each arm starts.
  const arms = counts(
    Object.entries(from.branchMap).flatMap(([id, branch]) =>
      branch.locations.map((range, i): [string, Range, number] => [id, range, from.b[id]?.[i] ?? 0]),
    ),
  );
  for (const [id, branch] of Object.entries(into.branchMap)) {
    const hits = into.b[id];
    if (!hits) continue;
    branch.locations.forEach((range, i) => {
      const key = startOf(intoMap, range);
      if (key !== undefined) hits[i] = (hits[i] ?? 0) + arms(key);
    });
  }
}

/**
 * Bundle the workflow code instrumented for coverage. WorkflowCoverage instruments only where istanbul's
 * global exists, which is in test files, not in jest's global setup: it is set while the bundle is built.
 */
export async function bundleWithCoverage(options: BundleOptions): Promise<string> {
  const holder = globalThis as CoverageGlobal;
  const had = '__coverage__' in holder;
  if (!had) holder.__coverage__ = {};
  try {
    const { code } = await bundleWorkflowCode(new WorkflowCoverage().augmentBundleOptions(options));
    return code;
  } finally {
    if (!had) delete holder.__coverage__;
  }
}

/**
 * Coverage of the workflow code, which runs in the worker's sandbox where jest's instrumentation does not
 * reach. With `jest --coverage`, test/setup/global-setup.ts builds a second workflow bundle instrumented by
 * @temporalio/nyc-test-coverage; a suite's in-process worker runs that bundle, whose interceptor sends the
 * sandbox's counters through the `coverage` sink after every activation. Here they are added up and, when
 * the suite ends, put into the test file's own coverage, which jest collects.
 *
 * The bundle's counters are in the coordinates of the bundler's output, jest's in those of ts-jest's, so
 * the two must not be merged as they are: the workflow entries get keys of their own, and jest's report
 * maps both through their source maps onto the TypeScript sources, where they meet line by line.
 */
import { WorkflowCoverage } from '@temporalio/nyc-test-coverage';
import { bundleWorkflowCode, type BundleOptions, type InjectedSinks } from '@temporalio/worker';
import type { CoverageSinks } from '@temporalio/nyc-test-coverage/lib/sinks';
import libCoverage, { type CoverageMapData } from 'istanbul-lib-coverage';

export const COVERAGE_BUNDLE_ENV = 'PE_WORKFLOW_BUNDLE_COVERAGE';
/** Marks the sandbox's entries so they stay apart from jest's until the report maps them onto the sources. */
const WORKFLOW_KEY_SUFFIX = '#workflow-sandbox';

type CoverageGlobal = { __coverage__?: CoverageMapData };

export class SuiteWorkflowCoverage {
  private readonly map = libCoverage.createCoverageMap({});

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
        merge: {
          fn: (_info, data: CoverageMapData) => this.map.merge(data),
          callDuringReplay: false,
        },
      },
    };
  }

  /** Put what the sandbox counted into this test file's coverage, under keys of its own. */
  flush(): void {
    const target = globalThis as CoverageGlobal;
    const into = libCoverage.createCoverageMap(target.__coverage__ ?? {});
    for (const file of this.map.files()) {
      const data = this.map.fileCoverageFor(file).toJSON() as libCoverage.FileCoverageData;
      const key = `${file}${WORKFLOW_KEY_SUFFIX}`;
      into.addFileCoverage({ ...data, path: key });
    }
    target.__coverage__ = into.toJSON();
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

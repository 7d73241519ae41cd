// @ts-check
/**
 * Mutation testing of the deterministic core (`npm run mutate`): StrykerJS changes the code of the files in
 * `mutate` one small way at a time (a condition flipped, a string emptied, a call removed) and runs the unit
 * tests of jest.mutate.config.ts against each change; a change no test notices "survives". The TypeScript
 * checker throws out mutants that would not compile before any test runs.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { configFile: 'jest.mutate.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutate.json',
  mutate: [
    'workflows/plan.ts',
    'workflows/plan-edits.ts',
    'workflows/pinning.ts',
    'workflows/transcript.ts',
    'activities/failures.ts',
    'src/llm/errors.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: 85 },
  // Later runs test again only the mutants whose code or covering tests changed (the file is committed).
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  // Copied into each sandbox is only what the unit tests need: not the tool installs (the Python venv holds
  // symlinked folders the copy cannot take), caches, clusters, builds or the bench's peer.
  ignorePatterns: [
    '/.tools',
    '/.temporal',
    '/.cache',
    '/.cluster*',
    '/.scratch',
    '/.workspace',
    '/coverage',
    '/dist',
    '/reports',
    '/bench',
    '/deploy',
    '/docs',
    '/examples',
    '/scripts',
  ],
  cleanTempDir: 'always',
};

export default config;

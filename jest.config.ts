import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/workflows', '<rootDir>/activities', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  // Each suite starts its own Temporal dev server; two at a time fit 2 cores.
  maxWorkers: 2,
  testTimeout: 120_000,
  verbose: true,
  // `npm test` runs with --coverage: unit and e2e together, the workflow sandbox included
  // (test/helpers/workflow-coverage.ts). Code run only by child processes (drill workers, the CLIs) is
  // not counted.
  collectCoverageFrom: ['workflows/**/*.ts', 'activities/**/*.ts', 'src/**/*.ts'],
  coverageReporters: ['text-summary', ['text', { skipFull: true }], 'json', 'json-summary'],
  coverageDirectory: 'coverage',
};

export default config;

import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  // Each suite starts its own Temporal dev server; two at a time fit 2 cores.
  maxWorkers: 2,
  testTimeout: 120_000,
  verbose: true,
};

export default config;

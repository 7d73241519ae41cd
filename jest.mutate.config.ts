import type { Config } from 'jest';

/**
 * The unit tests StrykerJS runs against each mutant of the deterministic core (`npm run mutate`): pure
 * functions only, no Temporal server, no bundle, so a mutant is judged in milliseconds.
 */
export const MUTATION_TESTS = [
  'test/plan.test.ts',
  'test/plan-edits.test.ts',
  'test/pinning.test.ts',
  'test/transcript.test.ts',
  'test/failures.test.ts',
  'test/llm-errors.test.ts',
];

const config: Config = {
  testEnvironment: 'node',
  rootDir: '.',
  // Only what the tests import: jest does not crawl the rest of the project before every mutant.
  roots: ['<rootDir>/test', '<rootDir>/workflows', '<rootDir>/activities', '<rootDir>/src'],
  testMatch: MUTATION_TESTS.map((file) => `<rootDir>/${file}`),
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
};

export default config;

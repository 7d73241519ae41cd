import type { Config } from 'jest';
import base from './jest.config';

/** `npm run drill`: the crash drills, one at a time (they kill workers and the server on purpose). */
const config: Config = {
  ...base,
  testMatch: ['**/test/drills/*.drill.ts'],
  maxWorkers: 1,
  testTimeout: 180_000,
};

export default config;

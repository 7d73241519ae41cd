import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.scratch/**',
      '.cache/**',
      '.tools/**',
      '.temporal/**',
      '.workspace/**',
      'coverage/**',
      'bench/peer-langgraph/node_modules/**',
      '.cluster*/**',
      'reports/**',
      '.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    // Workflow code is replayed: it must not reach Node built-ins, SDKs or clocks outside Temporal's.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((name) => [name, `node:${name}`]),
            '@anthropic-ai/sdk',
            'openai',
            '@temporalio/activity',
            '@temporalio/client',
            '@temporalio/worker',
          ],
          patterns: [
            {
              group: ['../src/*', '../activities/*'],
              allowTypeImports: true,
              message: 'workflows/ may only import types from activities and src.',
            },
          ],
        },
      ],
    },
  },
  {
    // jest's asymmetric matchers (expect.any, expect.stringContaining) are typed `any`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.mjs', 'jest.config.ts', 'jest.drill.config.ts', 'jest.mutate.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The bench's peer has its own package.json, lock and tsconfig (`npm run typecheck` there) and may not
    // be installed: lint it without type information, which would need its node_modules.
    files: ['bench/peer-langgraph/**/*.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
);

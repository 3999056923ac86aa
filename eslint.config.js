import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', '.serverless/', 'dist/', 'coverage/', '.build/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Only the CLI and handlers may read the environment (DESIGN: effects at the edges).
    files: ['lib/**/*.ts'],
    ignores: ['lib/aws/client-factory.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'lib/ takes settings as arguments; read env in functions/ or bin/.' }],
    },
  },
  {
    // One zod for the whole codebase, zod/mini with English messages (lib/zod.ts): a second flavour would put
    // classic zod's API back into every bundle that loads it, and a direct zod/mini import reports "Invalid input".
    files: ['lib/**/*.ts', 'functions/**/*.ts', 'bin/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.test.ts', 'lib/zod.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^zod(/|$)', message: "import zod from lib/zod.ts (zod/mini, English messages)" }] }],
    },
  },
  {
    // A Lambda bundle must carry one family's SDK commands only (its role is derived from them): runtime code
    // takes the family it is given and may import the registry's types, never the registry itself.
    files: ['lib/**/*.ts', 'functions/**/*.ts'],
    ignores: ['**/*.test.ts', 'lib/**/test-fixtures.ts', 'lib/**/__fixtures__/**', 'lib/families/index.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/families/index.ts', './index.ts'], allowTypeImports: true, message: 'import the family you need (lib/families/<family>/index.ts), or only types from the registry' }] },
      ],
    },
  },
);

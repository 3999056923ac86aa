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
);

// typescript-eslint's recommended rules over the sources, tests and benchmarks;
// formatting is Prettier's job (npm run format), so no stylistic rules here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/', 'dist/', 'node_modules/', 'test/tools/', 'test/kube/', '**/*.py', 'clients/typescript/src/schema.d.ts', 'clients/python/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // Hostile input is this project's business: escaping and detecting control characters takes regexes that name them.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The web console runs in the browser.
    files: ['console/src/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Tests read rendered YAML and parsed JSON as loose data.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);

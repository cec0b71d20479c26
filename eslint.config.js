// Lint rules for qwen-probe: typescript-eslint's recommended set, with the project's own habits.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'captures/**', 'reports/**', 'fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      // Unused names are mistakes, except a leading underscore that says "deliberately unused".
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Types only: `import type` keeps runtime imports honest for the import-rules test.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      // Lines fit in 120 columns (prettier wraps code; this catches comments and long literals).
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreTemplateLiterals: true }],
      // A result assembled by a closure declared before the value is known (bisect's `finish`).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests poke at loose JSON bodies; `any` there says "shape not checked here", on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      // Fixture values (captured bodies, expected lines) are data: they stay on one line.
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreRegExpLiterals: true, ignoreTemplateLiterals: true },
      ],
    },
  },
);
